package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/clonit/clonit/internal/api"
)

// writeMembers answers members as JSON, byte for byte what writeJSON sends (a test checks
// it), but built by appendMembers rather than encoding/json: the members list of a large org
// is the biggest answer on the API's hot path, and reflection and time formatting were a
// good share of its cost. The body goes out in one write with its length, and is returned
// for listMembers to keep; nil when a value made it fall back to writeJSON.
func writeMembers(w http.ResponseWriter, status int, members []api.Member) []byte {
	b, ok := appendMembers(nil, members)
	if !ok {
		writeJSON(w, status, members)
		return nil
	}
	b = append(b, '\n')
	writeBody(w, status, b)
	return b
}

// writeBody sends b, a JSON answer, in one write with its length.
func writeBody(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// appendMembers appends members as encoding/json would marshal them. ok is false when a
// value is one encoding/json refuses (a time outside years 0-9999).
func appendMembers(b []byte, members []api.Member) (_ []byte, ok bool) {
	if members == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, m := range members {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"user":{"id":`...)
		b = appendJSONString(b, m.User.ID)
		b = append(b, `,"email":`...)
		b = appendJSONString(b, m.User.Email)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, m.User.Name)
		b = append(b, `,"groups":`...)
		b = appendJSONStrings(b, m.User.Groups)
		b = append(b, `},"role":`...)
		b = appendJSONString(b, m.Role)
		b = append(b, `,"joined_at":`...)
		if b, ok = appendJSONTime(b, m.JoinedAt); !ok {
			return b, false
		}
		if len(m.Agents) > 0 {
			b = append(b, `,"agents":[`...)
			for j, ag := range m.Agents {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"id":`...)
				b = appendJSONString(b, ag.ID)
				b = append(b, `,"name":`...)
				b = appendJSONString(b, ag.Name)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	return append(b, ']'), true
}

// appendJSONStrings appends a list of strings, null when nil.
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString appends s quoted. Printable ASCII other than ", \ and the characters
// encoding/json escapes for HTML (<, >, &) is copied as is; any other string goes through
// encoding/json, so that escapes, invalid UTF-8 and U+2028/U+2029 come out exactly alike.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONTime appends t as time.Time's MarshalJSON does (quoted RFC 3339 with
// nanoseconds, trailing zeros dropped); ok is false where MarshalJSON fails.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, false
	}
	return append(b, '"'), true
}

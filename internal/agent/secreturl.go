package agent

import "strings"

// A connection URL keeps its password in the userinfo (postgres://user:PASSWORD@host/db) or
// in a "password" query parameter (postgres://host/db?password=PASSWORD). The functions here
// rewrite only those spans of the raw string, byte for byte, so everything else in the URL
// (escaping, parameter order) survives a round trip unchanged. The password is encrypted in
// its raw (still percent-escaped) form; the "$aes$<hex>" token needs no escaping in either
// place.

// span is a half-open byte range of a raw URL.
type span struct{ start, end int }

// passwordSpans returns where the passwords of raw are, in increasing order. A string that is
// not a URL (a SQLite file path) has none.
func passwordSpans(raw string) []span {
	i := strings.Index(raw, "://")
	if i < 0 {
		return nil
	}
	var spans []span
	rest := i + 3
	authEnd := len(raw)
	if j := strings.IndexAny(raw[rest:], "/?#"); j >= 0 {
		authEnd = rest + j
	}
	if at := strings.LastIndex(raw[rest:authEnd], "@"); at >= 0 {
		userinfo := raw[rest : rest+at]
		if c := strings.Index(userinfo, ":"); c >= 0 && c+1 < len(userinfo) {
			spans = append(spans, span{rest + c + 1, rest + at})
		}
	}
	q := strings.Index(raw[authEnd:], "?")
	if q < 0 {
		return spans
	}
	pos := authEnd + q + 1
	end := len(raw)
	if h := strings.Index(raw[pos:], "#"); h >= 0 {
		end = pos + h
	}
	for pos < end {
		amp := strings.Index(raw[pos:end], "&")
		next := end
		if amp >= 0 {
			next = pos + amp
		}
		if param := raw[pos:next]; strings.HasPrefix(param, "password=") && len(param) > len("password=") {
			spans = append(spans, span{pos + len("password="), next})
		}
		pos = next + 1
	}
	return spans
}

// rewritePasswords replaces each password span of raw with f(password).
func rewritePasswords(raw string, f func(string) (string, error)) (string, error) {
	spans := passwordSpans(raw)
	if len(spans) == 0 {
		return raw, nil
	}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		repl, err := f(raw[s.start:s.end])
		if err != nil {
			return "", err
		}
		b.WriteString(raw[last:s.start])
		b.WriteString(repl)
		last = s.end
	}
	b.WriteString(raw[last:])
	return b.String(), nil
}

// EncryptURL returns raw with its passwords encrypted; a URL without a password, or whose
// passwords are already encrypted, comes back unchanged.
func (c *Cipher) EncryptURL(raw string) (string, error) {
	return rewritePasswords(raw, c.Encrypt)
}

// DecryptURL returns raw with its encrypted passwords decrypted.
func (c *Cipher) DecryptURL(raw string) (string, error) {
	return rewritePasswords(raw, c.Decrypt)
}

// MaskURL returns raw with its passwords replaced by Mask, for display.
func MaskURL(raw string) string {
	out, _ := rewritePasswords(raw, func(string) (string, error) { return Mask, nil })
	return out
}

// MaskSecret returns Mask for a non-empty secret and "" for an empty one.
func MaskSecret(s string) string {
	if s == "" {
		return ""
	}
	return Mask
}

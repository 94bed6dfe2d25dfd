package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clonit/clonit/internal/errs"
)

// Exec runs the sanitize query q in the SQLite file at path, in one transaction with foreign
// keys enforced: every statement or none. A failing statement gives an errs.ErrInvalid
// error naming its line, the database's error and the statement.
func Exec(ctx context.Context, path, q string) error {
	db, err := Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	for _, st := range Split(q) {
		if _, err := conn.ExecContext(ctx, st.Text); err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			if errors.Is(err, context.Canceled) {
				return err
			}
			return errs.E(errs.ErrInvalid, "the sanitize query failed at line %d: %v\n  %s", st.Line, err, oneLine(st.Text))
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return errs.E(errs.ErrInvalid, "the sanitize query could not be committed: %v", err)
	}
	return nil
}

// oneLine shortens a statement for a message.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + " ..."
	}
	return s
}

// Statement is one statement of a script and the line it starts on.
type Statement struct {
	Line int
	Text string
}

// Split cuts an SQL script into statements at semicolons outside quotes and comments. A
// CREATE TRIGGER's body (BEGIN ... END) is kept whole.
func Split(q string) []Statement {
	var out []Statement
	start, line, startLine := 0, 1, 1
	depth := 0 // BEGIN ... END nesting inside CREATE TRIGGER
	word := strings.Builder{}
	flushWord := func() {
		w := strings.ToUpper(word.String())
		word.Reset()
		switch {
		case w == "BEGIN" && strings.Contains(strings.ToUpper(q[start:]), "TRIGGER") && triggerStart(q[start:]):
			depth++
		case w == "END" && depth > 0:
			depth--
		}
	}
	emit := func(end int) {
		text := strings.TrimSpace(stripComments(q[start:end]))
		if text != "" {
			out = append(out, Statement{Line: startLine, Text: text})
		}
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if isWordByte(c) {
			if word.Len() == 0 && strings.TrimSpace(stripComments(q[start:i])) == "" {
				startLine = line
			}
			word.WriteByte(c)
			continue
		}
		flushWord()
		switch {
		case c == '\n':
			line++
		case c == '\'' || c == '"' || c == '`' || c == '[':
			end := byte(c)
			if c == '[' {
				end = ']'
			}
			for i++; i < len(q) && q[i] != end; i++ {
				if q[i] == '\n' {
					line++
				}
			}
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			for i < len(q) && q[i] != '\n' {
				i++
			}
			line++
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			for i += 2; i+1 < len(q) && !(q[i] == '*' && q[i+1] == '/'); i++ {
				if q[i] == '\n' {
					line++
				}
			}
			i++
		case c == ';' && depth == 0:
			emit(i + 1)
			start = i + 1
		}
	}
	flushWord()
	emit(len(q))
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// triggerStart reports whether the statement s is a CREATE [TEMP] TRIGGER.
func triggerStart(s string) bool {
	f := strings.Fields(strings.ToUpper(stripComments(s)))
	return len(f) >= 2 && f[0] == "CREATE" && (f[1] == "TRIGGER" || (len(f) >= 3 && (f[1] == "TEMP" || f[1] == "TEMPORARY") && f[2] == "TRIGGER"))
}

// stripComments removes leading -- and /* */ comments from s.
func stripComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return ""
			}
			s = s[i+2:]
		default:
			return s
		}
	}
}

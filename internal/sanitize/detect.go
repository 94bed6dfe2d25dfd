package sanitize

import (
	"math"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Value detectors. Each looks at one whole value; detect runs the strong ones in a fixed
// order, hinted adds the weaker ones that count only when the column's name agrees.

var emailRE = regexp.MustCompile(`^[A-Za-z0-9._%+'-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})$`)

// isEmail reports whether v is an email address at a real domain. Addresses at the domains
// reserved for documentation and testing (RFC 2606: example.com, .invalid, .test, ...) are
// placeholders, not personal data: sanitized data uses them.
func isEmail(v string) bool {
	m := emailRE.FindStringSubmatch(v)
	return m != nil && !placeholderDomain(m[1])
}

// placeholderDomain reports whether a domain is reserved by RFC 2606.
func placeholderDomain(d string) bool {
	d = strings.ToLower(d)
	for _, tld := range []string{".invalid", ".example", ".test", ".localhost"} {
		if strings.HasSuffix(d, tld) {
			return true
		}
	}
	for _, sld := range []string{"example.com", "example.net", "example.org"} {
		if d == sld || strings.HasSuffix(d, "."+sld) {
			return true
		}
	}
	return false
}

var (
	phoneIntlRE  = regexp.MustCompile(`^\+\d[\d ().-]{6,20}\d$`)
	phoneNANPRE  = regexp.MustCompile(`^(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$`)
	phoneTrunkRE = regexp.MustCompile(`^0\d{1,4}[ -]\d{3,8}(?:[ -]\d{2,6})?$`)
)

// isPhone reports whether v is written as a phone number: international (+ and 8 to 15
// digits), North American ((555) 123-4567, 555-123-4567), or national with a trunk 0
// (020 7946 0958, 06-12345678). Plain runs of digits are not enough: order numbers look so.
func isPhone(v string) bool {
	d := countDigits(v)
	switch {
	case phoneIntlRE.MatchString(v):
		return d >= 8 && d <= 15
	case phoneNANPRE.MatchString(v):
		return true
	case phoneTrunkRE.MatchString(v):
		return d >= 9 && d <= 12
	}
	return false
}

// looksLikePhone is the weaker test for columns named like phones: also 7 to 15 plain digits.
func looksLikePhone(v string) bool {
	return isPhone(v) || (digitsRE.MatchString(strings.TrimPrefix(v, "+")) && len(v) >= 7 && len(v) <= 16)
}

// documentation address ranges (RFC 5737, RFC 3849): placeholders, not anyone's address.
var docPrefixes = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// isIP reports whether v is an IPv4 or IPv6 address (PostgreSQL's inet text, with a prefix
// length, counts) that could identify a machine: not unspecified, loopback, or in the
// ranges reserved for documentation.
func isIP(v string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil {
		p, perr := netip.ParsePrefix(v)
		if perr != nil {
			return false
		}
		a = p.Addr()
	}
	if a.IsUnspecified() || a.IsLoopback() {
		return false
	}
	for _, p := range docPrefixes {
		if p.Contains(a.Unmap()) {
			return false
		}
	}
	return true
}

var (
	secretPrefixRE = regexp.MustCompile(`(?:^|[^A-Za-z0-9])(?:` +
		`(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|` + // Stripe secret and restricted keys
		`gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}|` + // GitHub tokens
		`xox[abprs]-[A-Za-z0-9-]{10,}|` + // Slack tokens
		`(?:AKIA|ASIA)[0-9A-Z]{16}|` + // AWS access key IDs
		`AIza[0-9A-Za-z_-]{35}|` + // Google API keys
		`glpat-[0-9A-Za-z_-]{20,}|` + // GitLab personal access tokens
		`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|` + // JSON Web Tokens
		`-----BEGIN [A-Z ]*PRIVATE KEY-----)`)
	hashPrefixRE = regexp.MustCompile(`^\$(?:2[abxy]?|argon2(?:id|i|d)|pbkdf2[-a-z0-9]*|scrypt|[156])\$`)
	tokenRE      = regexp.MustCompile(`^[A-Za-z0-9_\-+/=.~]{20,}$`)
	uuidRE       = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// isSecret reports whether v is a credential: a token with a known prefix (Stripe, GitHub,
// Slack, AWS, Google, GitLab, JWT, private keys), a password hash in crypt format, or a long
// random-looking string (upper and lower case and digits, high entropy; UUIDs excluded).
func isSecret(v string) bool {
	if secretPrefixRE.MatchString(v) || hashPrefixRE.MatchString(v) {
		return true
	}
	if !tokenRE.MatchString(v) || uuidRE.MatchString(v) {
		return false
	}
	var upper, lower bool
	for _, c := range v {
		upper = upper || unicode.IsUpper(c)
		lower = lower || unicode.IsLower(c)
	}
	return upper && lower && countDigits(v) >= 2 && entropy(v) >= 3.5
}

// looksLikeToken is the weaker test for columns named like secrets: any opaque string of 16
// or more characters without spaces (hex digests, base64 keys).
func looksLikeToken(v string) bool {
	return isSecret(v) || (len(v) >= 16 && !strings.ContainsAny(v, " \t\n"))
}

// entropy is the Shannon entropy of v's characters, in bits per character.
func entropy(v string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, c := range v {
		counts[c]++
		n++
	}
	h := 0.0
	for _, k := range counts {
		p := float64(k) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// dateLayouts are the spellings of dates the birth-date test reads.
var dateLayouts = []string{
	"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04:05-07", "2006-01-02 15:04:05Z07:00",
	time.RFC3339, "2006-01-02T15:04:05", "2006/01/02", "02/01/2006", "01/02/2006", "02.01.2006",
}

// isBirthDate reports whether v is a date that could be someone's birthday: between 1900 and
// 2025, and not the 1st of January (sanitized data keeps only the year, as that date).
func isBirthDate(v string) bool {
	for _, l := range dateLayouts {
		t, err := time.Parse(l, v)
		if err != nil {
			continue
		}
		return t.Year() >= 1900 && t.Year() <= 2025 && !(t.Month() == time.January && t.Day() == 1)
	}
	return false
}

package sanitize

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	streetRE = regexp.MustCompile(`(?i)^\d{1,5}[a-z]?(?:[-/]\d+)?,?\s+(?:[\p{L}'.-]+\s+){0,5}` +
		`(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|` +
		`square|sq|parkway|pkwy|highway|hwy|circle|cir|close|crescent|row|gardens|mews)\.?(?:[\s,]|$)`)
	streetEURE = regexp.MustCompile(`(?i)^[\p{L}' .-]{2,40}(?:straße|strasse|str\.|straat|laan|weg|gasse|gracht|plein|` +
		`dreef|allee|platz|vej|gatan|gata|veien)\s*\d{1,5}[a-z]?\b`)
	streetLatinRE = regexp.MustCompile(`(?i)^(?:\d{1,5}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse)\s|` +
		`(?:via|viale|piazza|calle|avenida|rua|carrer|plaza|paseo)\s+[\p{L}' .-]+,?\s*\d{1,5})`)
	poBoxRE    = regexp.MustCompile(`(?i)^p\.?\s?o\.?\s+box\s+\d+`)
	unitLineRE = regexp.MustCompile(`(?i)^(?:apt|apartment|suite|ste|unit|flat)\.?\s*#?\d+[a-z]?$`)
	postalRE   = regexp.MustCompile(`^(?:\d{5}(?:-\d{4})?|\d{4}|\d{4} ?[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{2}-\d{3}|\d{3} ?\d{2})$`)
)

// isAddress reports whether v is a street address line: a house number and a street type
// (123 Main Street), a European street and number (Hauptstraße 5, Kerkstraat 12), a Latin
// form (12 rue de la Paix, Via Roma 1), a PO box, or a unit line (Apt 4B).
func isAddress(v string) bool {
	return streetRE.MatchString(v) || streetEURE.MatchString(v) || streetLatinRE.MatchString(v) ||
		poBoxRE.MatchString(v) || unitLineRE.MatchString(v)
}

// looksLikeAddress is the weaker test for columns named like addresses or postal codes:
// also postal codes (US, UK, Dutch, Canadian, Polish, ... formats) and any text with a
// house number, a word and a space.
func looksLikeAddress(v string) bool {
	if isAddress(v) || postalRE.MatchString(v) {
		return true
	}
	var letter bool
	for _, c := range v {
		letter = letter || unicode.IsLetter(c)
	}
	return letter && countDigits(v) > 0 && strings.Contains(v, " ")
}

// nameParticles may appear in lower case inside a name (Van der Berg, Da Silva).
var nameParticles = map[string]bool{"de": true, "van": true, "der": true, "den": true, "von": true,
	"da": true, "di": true, "du": true, "la": true, "le": true, "del": true, "dos": true, "bin": true, "al": true}

// nameWords splits v into words when it is shaped like a person's name: one to four words,
// each capitalized letters (with ' or -) or an initial, or a lower-case particle.
func nameWords(v string) []string {
	words := strings.Fields(strings.ReplaceAll(v, ",", " "))
	if len(words) == 0 || len(words) > 4 {
		return nil
	}
	for _, w := range words {
		if nameParticles[w] {
			continue
		}
		rs := []rune(strings.TrimSuffix(w, "."))
		if len(rs) == 0 || !unicode.IsUpper(rs[0]) {
			return nil
		}
		for _, r := range rs[1:] {
			if !unicode.IsLetter(r) && r != '\'' && r != '-' && r != '’' {
				return nil
			}
		}
	}
	return words
}

// isPersonName reports whether v is a person's name: name-shaped, and at least half of its
// words (and at least one) are known given or family names.
func isPersonName(v string) bool {
	words := nameWords(v)
	if words == nil {
		return false
	}
	known, counted := 0, 0
	for _, w := range words {
		if nameParticles[w] {
			continue
		}
		counted++
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if firstNames[lw] || lastNames[lw] {
			known++
		}
	}
	return known > 0 && 2*known >= counted
}

// looksLikeName is the weaker test for columns named like names: any name-shaped value.
func looksLikeName(v string) bool { return nameWords(v) != nil }

// detect returns the category of v by the strong detectors, "" when none matches.
func detect(v string) Category {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return ""
	case isEmail(v):
		return Email
	case isCard(v):
		return Card
	case isIBAN(v):
		return IBAN
	case isNationalID(v):
		return NationalID
	case isIP(v):
		return IPAddress
	case isPhone(v):
		return Phone
	case isSecret(v):
		return Secret
	case isAddress(v):
		return Address
	case isPersonName(v):
		return PersonName
	}
	return ""
}

// hinted reports whether v fits category c by the weaker test that applies when the
// column's name says it holds c.
func hinted(c Category, v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	switch c {
	case Email:
		return isEmail(v)
	case Phone:
		return looksLikePhone(v)
	case PersonName:
		return looksLikeName(v)
	case Address:
		return looksLikeAddress(v)
	case Card:
		d := stripSeparators(v)
		return digitsRE.MatchString(d) && len(d) >= 13 && len(d) <= 19 && luhn(d)
	case IBAN:
		return isIBAN(v) || (documentIDRE.MatchString(v) && countDigits(v) >= 6)
	case NationalID:
		return looksLikeIDNumber(v)
	case IPAddress:
		return isIP(v)
	case Secret:
		return looksLikeToken(v)
	case BirthDate:
		return isBirthDate(v)
	}
	return false
}

var (
	emailInTextRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})`)
	phoneInTextRE = regexp.MustCompile(`\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}|\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b`)
	cardInTextRE  = regexp.MustCompile(`\b(?:\d[ -]?){12,18}\d\b`)
	ibanInTextRE  = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`)
	ssnInTextRE   = regexp.MustCompile(`\b\d{3}-\d{2}-\d{4}\b|\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`)
	ipv4InTextRE  = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	streetInText  = regexp.MustCompile(`\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr)\b`)
)

// embedded returns the categories of sensitive data found inside the text v, in a fixed
// order: emails, phone numbers, cards, IBANs, national identifiers, IP addresses, secrets
// and street addresses.
func embedded(v string) []Category {
	var out []Category
	found := func(c Category, ok bool) {
		if ok {
			out = append(out, c)
		}
	}
	found(Email, anyMatch(emailInTextRE, v, func(m []string) bool { return !placeholderDomain(m[1]) }))
	found(Phone, anyMatch(phoneInTextRE, v, func(m []string) bool { d := countDigits(m[0]); return d >= 8 && d <= 15 }))
	found(Card, anyMatch(cardInTextRE, v, func(m []string) bool { return cardDigits(stripSeparators(m[0])) }))
	found(IBAN, anyMatch(ibanInTextRE, v, func(m []string) bool { return isIBAN(m[0]) }))
	found(NationalID, anyMatch(ssnInTextRE, v, func(m []string) bool { return isNationalID(m[0]) }))
	found(IPAddress, ipInText(v))
	found(Secret, secretPrefixRE.MatchString(v))
	found(Address, streetInText.MatchString(v))
	return out
}

// ipInText reports whether text holds an IPv4 address that is not part of a version
// ("Chrome/120.0.0.0", "v1.2.3.4") or a longer dotted number.
func ipInText(v string) bool {
	for _, loc := range ipv4InTextRE.FindAllStringIndex(v, 20) {
		if loc[0] > 0 && strings.ContainsRune("/.vV", rune(v[loc[0]-1])) {
			continue
		}
		if loc[1] < len(v)-1 && v[loc[1]] == '.' && v[loc[1]+1] >= '0' && v[loc[1]+1] <= '9' {
			continue
		}
		if isIP(v[loc[0]:loc[1]]) {
			return true
		}
	}
	return false
}

// anyMatch reports whether some match of re in v passes ok.
func anyMatch(re *regexp.Regexp, v string, ok func(m []string) bool) bool {
	for _, m := range re.FindAllStringSubmatch(v, 20) {
		if ok(m) {
			return true
		}
	}
	return false
}

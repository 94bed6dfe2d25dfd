package sanitize

import (
	"regexp"
	"strings"
)

// Payment cards, IBANs and national identifiers: each has a checksum or a strict shape, so
// a match is strong evidence.

var (
	cardShape = regexp.MustCompile(`^\d[\d -]{11,21}\d$`)
	digitsRE  = regexp.MustCompile(`^\d+$`)
)

// isCard reports whether v is a payment card number: 13 to 19 digits (spaces or dashes
// allowed between them) with an issuer prefix of a card network and a valid Luhn check digit.
func isCard(v string) bool {
	if !cardShape.MatchString(v) {
		return false
	}
	return cardDigits(stripSeparators(v))
}

// cardDigits checks a string of digits as a card number.
func cardDigits(d string) bool {
	return len(d) >= 13 && len(d) <= 19 && digitsRE.MatchString(d) && cardIssuer(d) && luhn(d)
}

// stripSeparators removes spaces and dashes.
func stripSeparators(v string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(v)
}

// cardIssuer reports whether the digits start with the issuer prefix of a major network:
// Visa, Mastercard, American Express, Discover, JCB, Diners Club or UnionPay.
func cardIssuer(d string) bool {
	p := func(n int) int {
		v := 0
		for _, c := range d[:n] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	switch {
	case d[0] == '4':
		return true
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720:
		return true
	case p(2) == 34 || p(2) == 37:
		return true
	case p(4) == 6011, p(2) == 65, p(3) >= 644 && p(3) <= 649:
		return true
	case p(4) >= 3528 && p(4) <= 3589:
		return true
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39:
		return true
	case p(2) == 62:
		return true
	}
	return false
}

// luhn reports whether the string of digits d passes the Luhn (mod 10) check.
func luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// ibanLengths is the length of an IBAN by country (ISO 13616 registry, a common subset).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "CH": 21, "CY": 28,
	"CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22,
	"GI": 23, "GL": 18, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27,
	"KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "ME": 22,
	"MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
	"RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26,
	"UA": 29,
}

var ibanShape = regexp.MustCompile(`^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$`)

// isIBAN reports whether v is an IBAN (spaces allowed, upper case as IBANs are written) of
// a known country, of that country's length, whose mod-97 check (ISO 7064) gives 1.
func isIBAN(v string) bool {
	s := strings.ReplaceAll(v, " ", "")
	if !ibanShape.MatchString(s) || ibanLengths[s[:2]] != len(s) {
		return false
	}
	r := s[4:] + s[:4]
	rem := 0
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		default:
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	return rem == 1
}

var (
	ssnRE  = regexp.MustCompile(`^(\d{3})-(\d{2})-(\d{4})$`)
	ninoRE = regexp.MustCompile(`^([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D]$`)
	dniRE  = regexp.MustCompile(`^([XYZ]?)(\d{7,8})-?([A-Z])$`)
	cfRE   = regexp.MustCompile(`^[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]$`)
	nirRE  = regexp.MustCompile(`^[12] ?\d{2} ?(0[1-9]|1[0-2]|[2-9]\d) ?(\d{2}|2[AB]) ?\d{3} ?\d{3} ?(\d{2})$`)
)

// isNationalID reports whether v has the exact shape, and where there is one the check, of
// a national identifier: a US Social Security number (AAA-GG-SSSS), a UK National Insurance
// number, a Spanish DNI or NIE, an Italian codice fiscale or a French NIR.
func isNationalID(v string) bool {
	if m := ssnRE.FindStringSubmatch(v); m != nil {
		return validSSN(m[1], m[2], m[3])
	}
	if m := ninoRE.FindStringSubmatch(v); m != nil {
		switch m[1] {
		case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
			return false
		}
		return true
	}
	if m := dniRE.FindStringSubmatch(v); m != nil {
		return validDNI(m[1], m[2], m[3])
	}
	if cfRE.MatchString(v) {
		return true
	}
	if m := nirRE.FindStringSubmatch(v); m != nil {
		return validNIR(v)
	}
	return false
}

// validSSN applies the rules of issued Social Security numbers: no area 000, 666 or 900-999,
// no group 00, no serial 0000.
func validSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// validDNI checks the control letter of a Spanish DNI (8 digits) or NIE (X, Y or Z and 7 digits).
func validDNI(prefix, digits, letter string) bool {
	if (prefix == "" && len(digits) != 8) || (prefix != "" && len(digits) != 7) {
		return false
	}
	n := 0
	if prefix != "" {
		n = int(prefix[0] - 'X')
	}
	for _, c := range digits {
		n = n*10 + int(c-'0')
	}
	return "TRWAGMYFPDXBNJZSQVHLCKE"[n%23] == letter[0]
}

// validNIR checks the key of a French NIR: 97 minus the first 13 digits mod 97 (Corsica's
// 2A and 2B count as 19 and 18).
func validNIR(v string) bool {
	s := strings.ReplaceAll(v, " ", "")
	body, key := s[:13], s[13:]
	body = strings.Replace(strings.Replace(body, "2A", "19", 1), "2B", "18", 1)
	if !digitsRE.MatchString(body) {
		return false
	}
	rem := 0
	for _, c := range body {
		rem = (rem*10 + int(c-'0')) % 97
	}
	k := 0
	for _, c := range key {
		k = k*10 + int(c-'0')
	}
	return 97-rem == k
}

var (
	plainIDRE    = regexp.MustCompile(`^\d{9}$`)
	documentIDRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{4,18}[A-Z0-9]$`)
)

// looksLikeIDNumber is the weaker test used when a column's name already says it holds
// identifiers: nine plain digits (a US SSN or Dutch BSN without separators) or an upper-case
// document number with at least four digits (passports, driving licences).
func looksLikeIDNumber(v string) bool {
	if isNationalID(v) || plainIDRE.MatchString(v) {
		return true
	}
	return documentIDRE.MatchString(v) && countDigits(v) >= 4
}

// countDigits counts the ASCII digits of v.
func countDigits(v string) int {
	n := 0
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			n++
		}
	}
	return n
}

package sanitize

import (
	"strings"
	"unicode"
)

// nameRule flags column names that suggest a category. A name matches when its words (split
// at underscores, dashes and camelCase, lower-cased) contain one of words, or, joined
// without separators, contain one of joined.
type nameRule struct {
	category Category
	words    []string
	joined   []string
}

// nameRules are tried in order; the first that matches wins.
var nameRules = []nameRule{
	{BirthDate, []string{"dob", "birth", "birthday", "birthdate", "born"}, []string{"dateofbirth", "birthdate", "geboortedatum"}},
	{Email, []string{"email", "mail", "e-mail"}, []string{"emailaddress"}},
	{IPAddress, []string{"ip", "ipv4", "ipv6"}, []string{"ipaddress", "ipaddr", "remoteaddr", "forwardedfor"}},
	{Card, []string{"pan"}, []string{"cardnumber", "cardno", "ccnumber", "ccnum", "creditcard", "cardnum", "debitcard"}},
	{IBAN, []string{"iban"}, []string{"accountnumber", "bankaccount", "accountno"}},
	{NationalID, []string{"ssn", "sin", "nino", "bsn", "tin", "nif", "nie", "dni", "cpr", "passport", "personnummer"}, nationalIDNames},
	{Phone, []string{"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "msisdn", "whatsapp"}, nil},
	{Secret, []string{"password", "passwd", "pwd", "secret", "token", "apikey", "otp", "salt", "credential", "credentials", "bearer"},
		[]string{"apikey", "accesskey", "privatekey", "secretkey", "passwordhash", "totpsecret", "mfasecret", "sessionkey"}},
	{PersonName, []string{"surname", "forename", "firstname", "lastname", "fullname", "maiden", "cardholder", "nickname"},
		[]string{"firstname", "lastname", "fullname", "givenname", "familyname", "middlename", "contactname",
			"holdername", "customername", "recipientname", "billingname", "shippingname", "legalname", "displayname",
			"patientname", "employeename", "personname", "username", "emergencycontact"}},
	{Address, []string{"street", "address", "addr", "zip", "zipcode", "postcode", "postal", "postalcode"},
		[]string{"addressline", "streetaddress", "houseno", "housenumber"}},
}

// nationalIDNames are spellings of identifier columns, matched in the joined name.
var nationalIDNames = []string{"socialsecurity", "nationalid", "nationalidentity", "taxid", "taxnumber", "taxpayer",
	"driverlicense", "driverslicense", "drivinglicence", "licencenumber", "licensenumber", "idnumber", "identitynumber",
	"codicefiscale", "fiscalcode", "insurancenumber", "nhsnumber", "medicare", "passportnumber", "passportno"}

// neutralWords end names that describe data about a value rather than the value
// (email_verified, phone_count, token_expires_at, is_email_public, address_id).
var neutralWords = map[string]bool{
	"verified": true, "confirmed": true, "enabled": true, "count": true, "sent": true, "at": true,
	"on": true, "id": true, "ids": true, "type": true, "kind": true, "status": true, "template": true,
	"flag": true, "format": true, "provider": true, "ttl": true, "length": true, "expires": true,
	"expiry": true, "expiration": true, "used": true, "limit": true, "policy": true, "strength": true, "changed": true, "updated": true, "reset": true,
	"attempts": true, "required": true, "opt": true, "optin": true, "public": true, "visible": true,
	"country": true, "region": true, "prefix": true, "extension": true, "domain": true, "version": true,
}

// firstNeutral start names of flags and counters (is_email_public, has_phone, num_tokens).
var firstNeutral = map[string]bool{"is": true, "has": true, "num": true, "n": true, "count": true, "total": true}

// personTables are table names whose "name" column is a person's name.
var personTables = map[string]bool{"user": true, "users": true, "customer": true, "customers": true,
	"person": true, "persons": true, "people": true, "contact": true, "contacts": true,
	"employee": true, "employees": true, "patient": true, "patients": true, "member": true,
	"members": true, "author": true, "authors": true, "student": true, "students": true,
	"client": true, "clients": true, "account_holder": true, "profiles": true, "profile": true}

// splitWords splits a column name into lower-case words at non-letters, non-digits and
// lower-to-upper case changes.
func splitWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// nameHint returns the category a column's name suggests and the word that suggests it, or
// "" when the name suggests none.
func nameHint(table, column string) (Category, string) {
	words := splitWords(column)
	if len(words) == 0 {
		return "", ""
	}
	joined := strings.Join(words, "")
	// Identifier names end in "id" (national_id, tax_id): tried before the neutral words.
	for _, j := range nationalIDNames {
		if strings.Contains(joined, j) {
			return NationalID, j
		}
	}
	if firstNeutral[words[0]] || neutralWords[words[len(words)-1]] {
		return "", ""
	}
	for _, r := range nameRules {
		for _, w := range words {
			for _, rw := range r.words {
				if w == rw {
					return r.category, w
				}
			}
		}
		for _, j := range r.joined {
			if strings.Contains(joined, j) {
				return r.category, j
			}
		}
	}
	if len(words) == 1 && words[0] == "name" && personTables[strings.ToLower(table)] {
		return PersonName, "name"
	}
	return "", ""
}

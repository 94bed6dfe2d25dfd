package sanitize

import (
	"fmt"
	"math"
	"strings"
)

// categoryOrder fixes the order in which categories are tried and listed, so that ties are
// broken the same way every time.
var categoryOrder = []Category{Email, Card, IBAN, NationalID, IPAddress, Phone, Secret, BirthDate, Address, PersonName, FreeText}

// nouns name what a category's values are, for reasons.
var nouns = map[Category]string{
	Email:      "email addresses",
	Phone:      "phone numbers",
	PersonName: "person names",
	Address:    "street addresses or postal codes",
	Card:       "payment card numbers (Luhn-valid)",
	IBAN:       "IBANs (mod-97 valid)",
	NationalID: "national identifiers",
	IPAddress:  "IP addresses",
	Secret:     "secrets or tokens",
	BirthDate:  "dates of birth",
	FreeText:   "free text with personal data",
}

// Thresholds of the verdict.
const (
	// valueShare is the share of sampled values a strong detector must match for the values
	// alone to flag a column.
	valueShare = 0.5
	// hintShare is the share of sampled values that must fit a category the name suggests.
	hintShare = 0.2
)

// Analyze returns the verdict on every column of db, in order. It is deterministic and
// never quotes a sampled value.
func Analyze(db Database) Report {
	r := Report{SampleSize: db.SampleSize, Findings: make([]Finding, 0, len(db.Columns))}
	for _, c := range db.Columns {
		r.Findings = append(r.Findings, analyzeColumn(c))
	}
	return r
}

// analyzeColumn judges one column by its name, type and sampled values.
func analyzeColumn(c Column) Finding {
	f := Finding{Schema: c.Schema, Table: c.Table, Column: c.Name, DataType: c.DataType}
	k := typeKind(c.DataType)
	hint, word := nameHint(c.Table, c.Name)
	var notes []string
	if hint != "" && !k.allows(hint) {
		notes = append(notes, fmt.Sprintf("the name matches %q but a column of type %s cannot hold %s", word, c.DataType, nouns[hint]))
		hint = ""
	}
	n := len(c.Values)
	counts := map[Category]int{}
	hintCount, textCount := 0, 0
	var inText []Category
	for _, v := range c.Values {
		if cat := detect(v); cat != "" && k.allows(cat) {
			counts[cat]++
		}
		if hint != "" && hinted(hint, v) {
			hintCount++
		}
		if k.allows(FreeText) {
			if e := embedded(v); len(e) > 0 {
				textCount++
				inText = union(inText, e)
			}
		}
	}
	best := ""
	for _, cat := range categoryOrder {
		if counts[cat] > 0 && (best == "" || counts[cat] > counts[Category(best)]) {
			best = string(cat)
		}
	}
	share := func(k int) float64 { return float64(k) / float64(max(n, 1)) }
	flag := func(cat Category, conf float64, reason string) Finding {
		f.Sensitive, f.Category, f.Confidence, f.Reason = true, cat, round2(min(conf, 0.99)), reason
		f.Hint = hintText(cat, k)
		return f
	}
	switch {
	case hint != "" && n > 0 && share(hintCount) >= hintShare:
		return flag(hint, 0.75+0.2*share(hintCount), fmt.Sprintf("the name matches %q and %d of %d sampled values fit %s", word, hintCount, n, nouns[hint]))
	case best != "" && share(counts[Category(best)]) >= valueShare:
		cat := Category(best)
		reason := fmt.Sprintf("%d of %d sampled values are %s", counts[cat], n, nouns[cat])
		if hint != "" {
			reason += fmt.Sprintf(" (the name matches %q, which suggests %s)", word, nouns[hint])
		}
		return flag(cat, 0.55+0.4*share(counts[cat]), reason)
	case hint != "" && n == 0:
		return flag(hint, 0.6, fmt.Sprintf("the name matches %q; no values to sample", word))
	case textCount > 0:
		return flag(FreeText, 0.6+0.35*min(1, 4*share(textCount)),
			fmt.Sprintf("%d of %d sampled values contain %s", textCount, n, listNouns(inText)))
	}
	if hint != "" {
		notes = append(notes, fmt.Sprintf("the name matches %q but only %d of %d sampled values fit %s", word, hintCount, n, nouns[hint]))
	}
	switch {
	case len(notes) > 0:
		f.Reason = strings.Join(notes, "; ")
	case n == 0:
		f.Reason = "no sensitive pattern in the name; no values to sample"
	default:
		f.Reason = fmt.Sprintf("no sensitive pattern in the name or in %d sampled values", n)
	}
	f.Confidence = round2(0.5 + 0.45*(1-share(max(hintCount, counts[Category(best)]))))
	if n == 0 {
		f.Confidence = 0.5
	}
	return f
}

// union adds the categories of b missing from a, keeping categoryOrder.
func union(a, b []Category) []Category {
	seen := map[Category]bool{}
	for _, c := range a {
		seen[c] = true
	}
	for _, c := range b {
		seen[c] = true
	}
	var out []Category
	for _, c := range categoryOrder {
		if seen[c] {
			out = append(out, c)
		}
	}
	return out
}

// listNouns joins the nouns of cats: "email addresses, phone numbers and IP addresses".
func listNouns(cats []Category) string {
	var ns []string
	for _, c := range cats {
		ns = append(ns, nouns[c])
	}
	if len(ns) <= 1 {
		return strings.Join(ns, "")
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

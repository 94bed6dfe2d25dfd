package sanitizetest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"time"
)

// gen draws the fixture's values from a fixed seed, so every load is the same.
type gen struct{ r *rand.Rand }

func newGen() *gen { return &gen{r: rand.New(rand.NewPCG(20240611, 5))} }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }
func (g *gen) digits(n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return b.String()
}
func (g *gen) chars(n int, alphabet string) string {
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

const (
	upperAlnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	base62     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	bcrypt64   = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

var (
	givenNames  = []string{"Maria", "James", "Sofia", "Liam", "Aisha", "Wei", "Olga", "Pablo", "Emma", "Noah", "Priya", "Lucas", "Fatima", "Jan", "Chloe", "Mehmet", "Yuki", "Ines", "Tariq", "Astrid"}
	familyNames = []string{"Garcia", "Smith", "Jansen", "Nguyen", "Khan", "Okafor", "Lindqvist", "Nakamura", "Rossi", "Dubois", "Sandoval", "Kowalski", "Brown", "Patel", "Ferreira", "Murphy", "Schmidt", "Haddad", "Moreau", "Walker"}
	cities      = []string{"Amsterdam", "London", "Springfield", "Austin", "Berlin", "Lyon", "Manchester", "Utrecht", "Seattle", "Jackson", "Leeds", "Munich"}
	emailHosts  = []string{"gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "corp.io", "mail.de"}
)

func (g *gen) name() (string, string) {
	return givenNames[g.r.IntN(len(givenNames))], familyNames[g.r.IntN(len(familyNames))]
}

func (g *gen) phone() string {
	switch g.r.IntN(4) {
	case 0:
		return "+1 " + g.digits(3) + " 555 " + g.digits(4)
	case 1:
		return "+44 20 " + g.digits(4) + " " + g.digits(4)
	case 2:
		return "(" + fmt.Sprint(200+g.r.IntN(700)) + ") 555-" + g.digits(4)
	}
	return "+31 6 " + g.digits(8)
}

func (g *gen) publicIP() string {
	if g.chance(0.15) {
		return fmt.Sprintf("2a00:1450:%x:%x::%x", g.r.IntN(0xffff), g.r.IntN(0xffff), 1+g.r.IntN(0xffff))
	}
	return fmt.Sprintf("%d.%d.%d.%d", 11+g.r.IntN(180), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

// card returns a Luhn-valid card number of a major network and its brand.
func (g *gen) card() (string, string) {
	var prefix, brand string
	n := 16
	switch g.r.IntN(3) {
	case 0:
		prefix, brand = "4"+g.digits(5), "visa"
	case 1:
		prefix, brand = fmt.Sprint(51+g.r.IntN(5))+g.digits(4), "mastercard"
	default:
		prefix, brand, n = g.pick("34", "37")+g.digits(4), "amex", 15
	}
	body := prefix + g.digits(n-1-len(prefix))
	return body + luhnDigit(body), brand
}

// luhnDigit is the check digit that makes body+digit pass the Luhn check.
func luhnDigit(body string) string {
	sum := 0
	double := true
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return fmt.Sprint((10 - sum%10) % 10)
}

// iban returns a valid IBAN of the Netherlands, Germany or the UK.
func (g *gen) iban() string {
	var cc, bban string
	switch g.r.IntN(3) {
	case 0:
		cc, bban = "NL", g.pick("ABNA", "INGB", "RABO")+g.digits(10)
	case 1:
		cc, bban = "DE", g.digits(18)
	default:
		cc, bban = "GB", g.pick("NWBK", "BARC", "HSBC")+g.digits(14)
	}
	var num strings.Builder
	for _, c := range bban + cc + "00" {
		if c >= 'A' && c <= 'Z' {
			fmt.Fprint(&num, int(c-'A')+10)
		} else {
			num.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(num.String(), 10)
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%s%02d%s", cc, check, bban)
}

// ssn returns a valid US Social Security number, distinct for distinct i.
func ssn(i int) string {
	return fmt.Sprintf("%03d-%02d-%04d", 100+i%500, 10+(i*7)%89, 1000+i)
}

func (g *gen) street() string {
	switch g.r.IntN(3) {
	case 0:
		return fmt.Sprintf("%d %s %s", 1+g.r.IntN(2500), g.pick("Baker", "Elm", "Maple", "Oak", "Highland", "Church"), g.pick("Street", "Avenue", "Road", "Lane", "Drive"))
	case 1:
		return fmt.Sprintf("%s %d", g.pick("Kerkstraat", "Hauptstraße", "Dorpsweg", "Schillerstraße", "Beukenlaan"), 1+g.r.IntN(200))
	}
	return fmt.Sprintf("%d rue %s", 1+g.r.IntN(120), g.pick("de la Paix", "Victor Hugo", "des Lilas"))
}

func (g *gen) postal(country string) string {
	switch country {
	case "GB":
		return g.pick("SW1A", "M1", "LS2", "EC2A") + " " + g.digits(1) + g.chars(2, "ABDEFGHJLNPQRSTUWXYZ")
	case "NL":
		return fmt.Sprint(1000+g.r.IntN(8999)) + " " + g.chars(2, "ABCDEFGHJKLMNPRSTVWXZ")
	}
	return g.digits(5)
}

func (g *gen) time(from int) time.Time {
	return time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g.r.Int64N(int64(3 * 365 * 24 * time.Hour))))
}

func (g *gen) uuid() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

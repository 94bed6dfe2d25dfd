package sanitize

import "testing"

func TestDetect(t *testing.T) {
	cases := []struct {
		name  string
		value string
		want  Category
	}{
		{"email", "jane.doe+shop@gmail.com", Email},
		{"placeholder email", "user_1a2b@example.invalid", ""},
		{"example.com email", "someone@mail.example.com", ""},
		{"visa with spaces", "4111 1111 1111 1111", Card},
		{"mastercard", "5555555555554444", Card},
		{"amex with dashes", "3782-822463-10005", Card},
		{"card failing luhn", "4111111111111112", ""},
		{"luhn-valid number without issuer", "1234567812345670", ""},
		{"iban", "GB82 WEST 1234 5698 7654 32", IBAN},
		{"iban without spaces", "NL91ABNA0417164300", IBAN},
		{"iban with bad check", "NL91ABNA0417164301", ""},
		{"iban of unknown country", "XX00A1B2C3D4E5F6A7B8", ""},
		{"ssn", "123-45-6789", NationalID},
		{"ssn area 666", "666-45-6789", ""},
		{"uk nino", "AB 12 34 56 C", NationalID},
		{"spanish dni", "12345678Z", NationalID},
		{"spanish dni bad letter", "12345678A", ""},
		{"codice fiscale", "RSSMRA85T10A562S", NationalID},
		{"french nir", "1 85 05 78 006 084 91", NationalID},
		{"ipv4", "81.2.69.142", IPAddress},
		{"ipv4 inet with prefix", "10.1.2.3/32", IPAddress},
		{"ipv6", "2a00:1450:4001:80b::200e", IPAddress},
		{"documentation ipv4", "203.0.113.7", ""},
		{"documentation ipv6", "2001:db8:1:2:3:4::1", ""},
		{"loopback", "127.0.0.1", ""},
		{"version string", "1.4.2", ""},
		{"international phone", "+44 20 7946 0958", Phone},
		{"north american phone", "(555) 123-4567", Phone},
		{"dutch mobile", "06-12345678", Phone},
		{"order number", "ORD-2023-000123", ""},
		{"amount", "1234567.89", ""},
		{"iso date", "2023-01-15", ""},
		{"stripe key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", Secret},
		{"github token", "ghp_aBcD1234eFgH5678iJkL9012mNoP3456qRsT", Secret},
		{"aws access key", "AKIAIOSFODNN7EXAMPLE", Secret},
		{"bcrypt hash", "$2b$12$KIXQJ8d7Zq7dH3o8yY3l6uJ9m1Zr1cZt0n3yq0b6mJ0b5y9Xo8T2G", Secret},
		{"random token", "Zx8Pq2Lm9Kd7Vb3Nc6Rt", Secret},
		{"uuid", "3f2504e0-4f89-41d3-9a4c-0305e82c3301", ""},
		{"camel case word", "ElectronicsAccessories", ""},
		{"us street", "221 Baker Street", Address},
		{"us street abbreviated", "1600 Pennsylvania Ave NW", Address},
		{"german street", "Hauptstraße 5", Address},
		{"dutch street", "Kerkstraat 12a", Address},
		{"french street", "12 rue de la Paix", Address},
		{"unit line", "Apt 4B", Address},
		{"full name", "Maria Garcia", PersonName},
		{"name with unknown surname", "Maria Sandoval", PersonName},
		{"last, first", "Smith, John", PersonName},
		{"product", "Rose Gold Watch", ""},
		{"lower-case words", "maria garcia", ""},
		{"city", "Amsterdam", ""},
		{"empty", "  ", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := detect(tc.value); got != tc.want {
				t.Errorf("detect(%q) = %q, want %q", tc.value, got, tc.want)
			}
		})
	}
}

func TestHinted(t *testing.T) {
	cases := []struct {
		name     string
		category Category
		value    string
		want     bool
	}{
		{"phone as digits", Phone, "5551234567", true},
		{"phone replaced", Phone, "phone-3fa2b1c9c0e1", false},
		{"postal code us", Address, "94103", true},
		{"postal code uk", Address, "SW1A 1AA", true},
		{"postal code replaced", Address, "a3fa2b1c9c", false},
		{"address replaced", Address, "address-3fa2b1c9c0e1", false},
		{"plain ssn digits", NationalID, "123456789", true},
		{"passport number", NationalID, "X12345678", true},
		{"id replaced", NationalID, "id-3fa2b1c9c0e1", false},
		{"hex digest", Secret, "5f4dcc3b5aa765d61d8327deb882cf99", true},
		{"secret replaced", Secret, "redacted 3fa2b1c9c0e1d2f3", false},
		{"given name", PersonName, "Xiomara", true},
		{"name replaced", PersonName, "Person 3fa2b1c9c0", false},
		{"birth date", BirthDate, "1985-03-04", true},
		{"birth timestamp", BirthDate, "1985-03-04 00:00:00+00", true},
		{"year only", BirthDate, "1985-01-01", false},
		{"future date", BirthDate, "2090-05-06", false},
		{"card digits without issuer", Card, "1234567812345670", true},
		{"card replaced", Card, "card-3fa2b1c9c0-4242", false},
		{"bank account number", IBAN, "ACC12345678", true},
		{"iban replaced", IBAN, "iban-3fa2b1c9c0e1d2f3", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := hinted(tc.category, tc.value); got != tc.want {
				t.Errorf("hinted(%s, %q) = %v, want %v", tc.category, tc.value, got, tc.want)
			}
		})
	}
}

func TestEmbedded(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []Category
	}{
		{"email and phone", "Please call me at +1 415 555 0132 or write to ann@corp.io", []Category{Email, Phone}},
		{"card", "my card 4242 4242 4242 4242 was charged twice", []Category{Card}},
		{"ssn and ip", "SSN 123-45-6789 logged from 81.2.69.142", []Category{NationalID, IPAddress}},
		{"iban", "refund to DE89 3704 0044 0532 0130 00 please", []Category{IBAN}},
		{"token", "here is my key sk_live_4eC39HqLyjWDarjtT1zdp7dc oops", []Category{Secret}},
		{"street", "ship it to 42 Elm Street instead", []Category{Address}},
		{"user agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36", nil},
		{"placeholder email only", "mail noreply@example.com for help", nil},
		{"order text", "Order ORD-2023-000123 shipped on 2023-01-15 for 129.99", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := embedded(tc.text)
			if len(got) != len(tc.want) {
				t.Fatalf("embedded(%q) = %v, want %v", tc.text, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("embedded(%q) = %v, want %v", tc.text, got, tc.want)
				}
			}
		})
	}
}

func TestNameHint(t *testing.T) {
	cases := []struct {
		table, column string
		want          Category
	}{
		{"users", "email", Email},
		{"users", "emailAddress", Email},
		{"users", "email_verified", ""},
		{"users", "is_email_public", ""},
		{"users", "first_name", PersonName},
		{"users", "name", PersonName},
		{"products", "name", ""},
		{"users", "date_of_birth", BirthDate},
		{"users", "dob", BirthDate},
		{"users", "password_hash", Secret},
		{"users", "password_changed_at", ""},
		{"api_keys", "token_ttl", ""},
		{"users", "reset_token", Secret},
		{"sessions", "remote_addr", IPAddress},
		{"events", "ip_address", IPAddress},
		{"addresses", "street_address", Address},
		{"addresses", "address_id", ""},
		{"addresses", "postal_code", Address},
		{"payments", "card_number", Card},
		{"payments", "card_brand", ""},
		{"payments", "iban", IBAN},
		{"people", "ssn", NationalID},
		{"people", "tax_id", NationalID},
		{"users", "mobile_phone", Phone},
		{"users", "phone_type", ""},
	}
	for _, tc := range cases {
		t.Run(tc.table+"."+tc.column, func(t *testing.T) {
			if got, _ := nameHint(tc.table, tc.column); got != tc.want {
				t.Errorf("nameHint(%q, %q) = %q, want %q", tc.table, tc.column, got, tc.want)
			}
		})
	}
}

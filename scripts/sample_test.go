package scripts

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// envUpdateSample, when set, makes TestDemoSample rewrite testdata/demo/shop.db.
const envUpdateSample = "CLONIT_UPDATE_DEMO_SAMPLE"

// samplePath is the bundled sample database of the demo, relative to this directory.
var samplePath = filepath.Join("..", "testdata", "demo", "shop.db")

// The sample's size: customers and orders (products are the names below).
const (
	sampleCustomers = 200
	sampleOrders    = 480
)

// TestDemoSample checks the bundled sample database that `make run` builds snapshots of:
// generated from a fixed seed, so CLONIT_UPDATE_DEMO_SAMPLE=1 rewrites it identically.
func TestDemoSample(t *testing.T) {
	if os.Getenv(envUpdateSample) != "" {
		if err := os.Remove(samplePath); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := writeSample(samplePath); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+samplePath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		name, query, want string
	}{
		{"customers", "SELECT count(*) FROM customers", "200"},
		{"products", "SELECT count(*) FROM products", "24"},
		{"orders", "SELECT count(*) FROM orders", "480"},
		{"every order has items", "SELECT count(*) FROM orders WHERE id NOT IN (SELECT order_id FROM order_items)", "0"},
		{"totals add up", "SELECT count(*) FROM orders o WHERE total_cents != (SELECT sum(quantity * unit_price_cents) FROM order_items WHERE order_id = o.id)", "0"},
		{"first customer", "SELECT full_name || ' <' || email || '> ' || phone FROM customers WHERE id = 1", "Maria Lindqvist <maria.lindqvist@web.de> +46 70 318 4427"},
		{"emails at real domains", "SELECT count(*) FROM customers WHERE email LIKE '%@example.%'", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := db.QueryRow(tt.query).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s = %s, want %s", tt.query, got, tt.want)
			}
		})
	}
}

var (
	firstNames = []string{"Maria", "Jonas", "Aiko", "Tomás", "Priya", "Lena", "Kwame", "Sofia", "Mateo", "Ines",
		"Oskar", "Yara", "Felix", "Amara", "Noah", "Chiara", "Emil", "Leila", "Hugo", "Nadia"}
	lastNames = []string{"Lindqvist", "Becker", "Tanaka", "Oliveira", "Raman", "Kowalski", "Mensah", "Rossi", "García",
		"Dubois", "Nyberg", "Haddad", "Novak", "Okafor", "Jansen", "Moretti", "Larsen", "Farouk", "Schmidt", "Costa"}
	domains = []string{"posteo.net", "gmail.com", "outlook.com", "fastmail.com", "proton.me", "web.de", "yahoo.co.uk"}
	places  = []struct{ city, country, prefix string }{
		{"Stockholm", "SE", "+46 70"}, {"Berlin", "DE", "+49 151"}, {"Lisbon", "PT", "+351 91"}, {"Milan", "IT", "+39 347"},
		{"Lyon", "FR", "+33 6"}, {"Oslo", "NO", "+47 41"}, {"Kraków", "PL", "+48 501"}, {"Rotterdam", "NL", "+31 6"},
	}
	streets  = []string{"Storgatan", "Hauptstraße", "Rua Augusta", "Via Roma", "Rue de la République", "Karl Johans gate", "Floriańska", "Coolsingel"}
	products = []string{"Espresso beans 1 kg", "Ceramic pour-over", "Burr grinder", "Milk frother", "Gooseneck kettle",
		"Paper filters (100)", "Travel mug", "Digital scale", "Cold brew jar", "Decaf beans 500 g", "Tamper", "Knock box",
		"Cleaning tablets", "Moka pot", "French press", "Latte cups (2)", "Green tea 250 g", "Chai mix", "Oat milk 1 l",
		"Barista apron", "Descaler", "Canister", "Cupping spoon", "Gift card"}
	statuses = []string{"delivered", "delivered", "delivered", "shipped", "paid", "cancelled"}
)

// writeSample creates the sample shop database at path: customers with names, emails,
// phones and addresses, products, and orders with their items.
func writeSample(path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(2024, 9))
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
			phone TEXT, street TEXT, city TEXT, country TEXT, created_at TEXT NOT NULL)`,
		`CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL, price_cents INTEGER NOT NULL)`,
		`CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
			ordered_at TEXT NOT NULL, status TEXT NOT NULL, shipping_address TEXT NOT NULL, total_cents INTEGER NOT NULL)`,
		`CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders(id), product_id INTEGER NOT NULL REFERENCES products(id),
			quantity INTEGER NOT NULL, unit_price_cents INTEGER NOT NULL, PRIMARY KEY (order_id, product_id))`,
		`CREATE INDEX orders_customer ON orders(customer_id)`,
	} {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	start := time.Date(2023, 1, 1, 9, 0, 0, 0, time.UTC)
	type customer struct{ address string }
	var customers []customer
	for i := 1; i <= sampleCustomers; i++ {
		first, last := firstNames[(i-1)%len(firstNames)], lastNames[((i-1)/len(firstNames)+(i-1)*7)%len(lastNames)]
		if i == 1 {
			first, last = "Maria", "Lindqvist"
		}
		email := fmt.Sprintf("%s.%s@%s", ascii(first), ascii(last), domains[rng.IntN(len(domains))])
		p := places[rng.IntN(len(places))]
		if i == 1 {
			p = places[0]
		}
		phone := fmt.Sprintf("%s %03d %04d", p.prefix, 100+rng.IntN(900), rng.IntN(10000))
		if i == 1 {
			phone = "+46 70 318 4427"
		}
		street := fmt.Sprintf("%s %d", streets[rng.IntN(len(streets))], 1+rng.IntN(180))
		created := start.Add(time.Duration(rng.IntN(365*24)) * time.Hour)
		if _, err := tx.Exec(`INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			i, first+" "+last, email, phone, street, p.city, p.country, created.Format(time.RFC3339)); err != nil {
			return fmt.Errorf("insert customer %d: %w", i, err)
		}
		customers = append(customers, customer{address: street + ", " + p.city + ", " + p.country})
	}
	prices := make([]int, len(products))
	for i, name := range products {
		prices[i] = 300 + rng.IntN(120)*50
		if _, err := tx.Exec(`INSERT INTO products VALUES (?, ?, ?, ?)`, i+1, fmt.Sprintf("SKU-%04d", 1000+i*7), name, prices[i]); err != nil {
			return fmt.Errorf("insert product: %w", err)
		}
	}
	for o := 1; o <= sampleOrders; o++ {
		c := 1 + rng.IntN(len(customers))
		at := start.Add(time.Duration(24*365+rng.IntN(300*24)) * time.Hour)
		total := 0
		picked := map[int]bool{}
		for n := 1 + rng.IntN(4); len(picked) < n; {
			p := rng.IntN(len(products))
			if picked[p] {
				continue
			}
			picked[p] = true
			q := 1 + rng.IntN(3)
			total += q * prices[p]
			if _, err := tx.Exec(`INSERT INTO order_items VALUES (?, ?, ?, ?)`, o, p+1, q, prices[p]); err != nil {
				return fmt.Errorf("insert order item: %w", err)
			}
		}
		if _, err := tx.Exec(`INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)`, o, c, at.Format(time.RFC3339),
			statuses[rng.IntN(len(statuses))], customers[c-1].address, total); err != nil {
			return fmt.Errorf("insert order %d: %w", o, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.Exec("VACUUM")
	return err
}

// ascii lowercases a name for an email address, dropping its accents.
func ascii(s string) string {
	return strings.NewReplacer("á", "a", "í", "i", "ó", "o", "é", "e", "ń", "n").Replace(strings.ToLower(s))
}

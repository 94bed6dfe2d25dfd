package sanitizetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Sizes of the fixture's tables.
const (
	Users     = 300
	Orders    = 900
	Tickets   = 400
	AuditLogs = 1200
	Employees = 60
)

// table is one table's rows in COPY text format.
type table struct {
	name string
	cols []string
	rows strings.Builder
}

// add appends a row; nil is NULL.
func (t *table) add(vals ...any) {
	for i, v := range vals {
		if i > 0 {
			t.rows.WriteByte('\t')
		}
		switch x := v.(type) {
		case nil:
			t.rows.WriteString(`\N`)
		case time.Time:
			t.rows.WriteString(x.Format(time.RFC3339))
		default:
			s := fmt.Sprint(x)
			s = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`).Replace(s)
			t.rows.WriteString(s)
		}
	}
	t.rows.WriteByte('\n')
}

// Load creates the fixture in the (empty) PostgreSQL database at url.
func Load(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, Schema); err != nil {
		return fmt.Errorf("create the fixture's tables: %w", err)
	}
	for _, t := range Tables() {
		sql := fmt.Sprintf("COPY %s (%s) FROM STDIN", t.name, strings.Join(t.cols, ", "))
		if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(t.rows.String()), sql); err != nil {
			return fmt.Errorf("fill %s: %w", t.name, err)
		}
	}
	_, err = conn.Exec(ctx, "ANALYZE")
	return err
}

// Tables generates the fixture's rows, parents first.
func Tables() []*table {
	g := newGen()
	users := &table{name: "users", cols: []string{"id", "email", "email_verified", "first_name", "last_name", "phone", "date_of_birth",
		"password_hash", "password_changed_at", "api_token", "signup_ip", "referral_code", "plan", "locale", "login_count", "created_at"}}
	emails := make([]string, Users+1)
	for id := 1; id <= Users; id++ {
		first, last := g.name()
		emails[id] = fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), id, g.pick(emailHosts...))
		var phone, token, changed any
		if g.chance(0.8) {
			phone = g.phone()
		}
		if g.chance(0.6) {
			token = g.pick("sk_live_", "ghp_", "") + g.chars(32, base62)
		}
		if g.chance(0.5) {
			changed = g.time(2022)
		}
		dob := time.Date(1950+g.r.IntN(56), time.Month(1+g.r.IntN(12)), 1+g.r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		users.add(id, emails[id], g.chance(0.7), first, last, phone, dob, "$2b$12$"+g.chars(53, bcrypt64), changed, token,
			g.publicIP(), fmt.Sprintf("REF-%06X", id*7919), g.pick("free", "pro", "team"), g.pick("en_US", "nl_NL", "de_DE", "fr_FR"),
			g.r.IntN(500), g.time(2021))
	}

	addresses := &table{name: "addresses", cols: []string{"id", "user_id", "kind", "street", "address_line2", "city", "postal_code", "country_code"}}
	addrOf := map[int]int{}
	for id := 1; id <= Users*3/2; id++ {
		uid := 1 + (id*37)%Users
		addrOf[uid] = id
		country := g.pick("US", "GB", "NL", "DE", "FR")
		var line2 any
		if g.chance(0.3) {
			line2 = g.pick("Apt ", "Suite ", "Unit ") + fmt.Sprint(1+g.r.IntN(40)) + g.pick("", "A", "B")
		}
		addresses.add(id, uid, g.pick("billing", "shipping"), g.street(), line2, g.pick(cities...), g.postal(country), country)
	}

	products := &table{name: "products", cols: []string{"id", "sku", "name", "description", "color", "price"}}
	for id := 1; id <= 40; id++ {
		products.add(id, fmt.Sprintf("SKU-%05d", id*13), g.pick("Rose Gold", "Blue", "Classic", "Grace", "Travel", "Studio")+" "+g.pick("Watch", "Mug", "Backpack", "Lamp", "Notebook"),
			g.pick("Hand-made and shipped in 2 days.", "Dishwasher safe, 350 ml.", "Water resistant to 50 m.", "Recycled materials, 2 year warranty."),
			g.pick("red", "navy", "rose", "olive", "black"), fmt.Sprintf("%d.%02d", 5+g.r.IntN(200), g.r.IntN(100)))
	}

	orders := &table{name: "orders", cols: []string{"id", "user_id", "customer_email", "billing_address_id", "order_number", "status", "total", "currency",
		"tracking_number", "shipping_phone", "placed_at"}}
	items := &table{name: "order_items", cols: []string{"order_id", "product_id", "quantity", "unit_price"}}
	for id := 1; id <= Orders; id++ {
		uid := 1 + g.r.IntN(Users)
		var addr, tracking, phone any
		if a, ok := addrOf[uid]; ok {
			addr = a
		}
		if g.chance(0.7) {
			tracking = "1Z" + g.chars(16, upperAlnum)
		}
		if g.chance(0.6) {
			phone = g.phone()
		}
		orders.add(id, uid, emails[uid], addr, fmt.Sprintf("ORD-2023-%06d", id), g.pick("paid", "shipped", "refunded", "cancelled"),
			fmt.Sprintf("%d.%02d", 10+g.r.IntN(900), g.r.IntN(100)), g.pick("EUR", "USD", "GBP"), tracking, phone, g.time(2023))
		for p := range 1 + g.r.IntN(3) {
			items.add(id, 1+(id+p*11)%40, 1+g.r.IntN(4), fmt.Sprintf("%d.%02d", 5+g.r.IntN(200), g.r.IntN(100)))
		}
	}

	payments := &table{name: "payment_methods", cols: []string{"id", "user_id", "brand", "card_number", "card_last4", "exp_month", "exp_year",
		"cardholder_name", "iban", "fingerprint", "created_at"}}
	for id := 1; id <= Users+50; id++ {
		uid := 1 + (id*53)%Users
		first, last := g.name()
		holder := strings.ToUpper(first + " " + last)
		if g.chance(0.7) {
			num, brand := g.card()
			shown := num
			if g.chance(0.3) {
				shown = num[:4] + " " + num[4:8] + " " + num[8:12] + " " + num[12:]
			}
			payments.add(id, uid, brand, shown, num[len(num)-4:], 1+g.r.IntN(12), 2025+g.r.IntN(6), holder, nil, md5hex(num), g.time(2022))
		} else {
			iban := g.iban()
			payments.add(id, uid, "sepa_debit", nil, nil, nil, nil, holder, iban, md5hex(iban), g.time(2022))
		}
	}

	tickets := &table{name: "support_tickets", cols: []string{"id", "user_id", "subject", "body", "agent_notes", "status", "priority", "created_at"}}
	for id := 1; id <= Tickets; id++ {
		uid := 1 + g.r.IntN(Users)
		tickets.add(id, uid, g.pick("Where is my order?", "Refund request", "Cannot log in", "Change of address", "Billing question"),
			ticketBody(g, emails[uid]), g.pick("Escalated to tier 2.", "Refund of 25.00 approved.", "Re-shipped order ORD-2023-000417.",
				"Customer called back at 14:30, issue solved.", "Waiting for the warehouse.", ""),
			g.pick("open", "pending", "closed"), 1+g.r.IntN(4), g.time(2023))
	}

	audit := &table{name: "audit_logs", cols: []string{"id", "actor_id", "action", "ip_address", "user_agent", "details", "request_id", "created_at"}}
	for id := 1; id <= AuditLogs; id++ {
		uid := 1 + g.r.IntN(Users)
		action := g.pick("login", "logout", "plan_changed", "email_changed", "export_requested")
		ip := g.publicIP()
		d := map[string]any{"ok": true}
		switch action {
		case "login":
			d["ip"] = ip
		case "email_changed":
			d["old_email"], d["new_email"] = emails[uid], emails[1+(uid%Users)]
		case "plan_changed":
			d["from"], d["to"] = "free", "pro"
		}
		details, _ := json.Marshal(d)
		audit.add(id, uid, action, ip, g.pick(
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
			"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
			"clonit-cli/1.4.2", "curl/8.5.0"), string(details), g.uuid(), g.time(2023))
	}

	settings := &table{name: "app_settings", cols: []string{"key", "value"}}
	for _, kv := range [][2]string{{"session_token_ttl", "3600"}, {"support_email", "support@example.com"}, {"maintenance_window", "02:00-03:00"},
		{"default_currency", "EUR"}, {"max_upload_mb", "25"}, {"feature_flags", "checkout_v2,dark_mode"}} {
		settings.add(kv[0], kv[1])
	}

	employees := &table{name: "hr.employees", cols: []string{"id", "user_id", "full_name", "ssn", "payroll_iban", "department", "salary", "hired_on", "manager_id"}}
	for id := 1; id <= Employees; id++ {
		first, last := g.name()
		var manager, user any
		if id > 5 {
			manager = 1 + g.r.IntN(5)
		}
		if g.chance(0.5) {
			user = 1 + g.r.IntN(Users)
		}
		employees.add(id, user, first+" "+last, ssn(id), g.iban(), g.pick("Finance", "Support", "Engineering", "Sales"),
			fmt.Sprintf("%d000.00", 40+g.r.IntN(80)), g.time(2015).Format("2006-01-02"), manager)
	}
	return []*table{users, addresses, products, orders, items, payments, tickets, audit, settings, employees}
}

// ticketBody writes a support ticket: a little under half mention personal data.
func ticketBody(g *gen, email string) string {
	switch g.r.IntN(9) {
	case 0:
		return "Please call me back on " + g.phone() + ", I have been waiting for a week."
	case 1:
		return "You can reach me at " + email + " instead of the old address."
	case 2:
		num, _ := g.card()
		return "I was charged twice on my card " + num + ", please refund one."
	case 3:
		return "Please ship to " + g.street() + " from now on."
	}
	return g.pick("My order has not arrived yet.", "The app crashes when I open the basket.",
		"How do I change my plan?", "Thanks for the quick help!", "The invoice shows the wrong VAT rate.")
}

// Package sanitizetest holds a realistic fixture database for the sanitizer's tests: a shop
// (users, addresses, products, orders, payment methods, support tickets, audit logs) and an
// HR schema, with foreign keys and unique constraints, and the label of every column that
// holds sensitive data. Harmless columns that look like sensitive ones are there on purpose.
package sanitizetest

// Schema creates the fixture's tables.
const Schema = `
CREATE SCHEMA hr;

CREATE TABLE users (
    id                  bigint PRIMARY KEY,
    email               text NOT NULL UNIQUE,
    email_verified      boolean NOT NULL DEFAULT false,
    first_name          text,
    last_name           text,
    phone               text,
    date_of_birth       date,
    password_hash       text NOT NULL,
    password_changed_at timestamptz,
    api_token           text UNIQUE,
    signup_ip           inet,
    referral_code       text NOT NULL UNIQUE,
    plan                text NOT NULL,
    locale              text NOT NULL,
    login_count         integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL
);

CREATE TABLE addresses (
    id            bigint PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('billing', 'shipping')),
    street        text NOT NULL,
    address_line2 text,
    city          text NOT NULL,
    postal_code   varchar(12) NOT NULL,
    country_code  char(2) NOT NULL
);

CREATE TABLE products (
    id          bigint PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text NOT NULL,
    color       text,
    price       numeric(10, 2) NOT NULL
);

CREATE TABLE orders (
    id                 bigint PRIMARY KEY,
    user_id            bigint NOT NULL REFERENCES users,
    customer_email     text NOT NULL REFERENCES users (email),
    billing_address_id bigint REFERENCES addresses,
    order_number       text NOT NULL UNIQUE,
    status             text NOT NULL,
    total              numeric(10, 2) NOT NULL,
    currency           char(3) NOT NULL,
    tracking_number    text,
    shipping_phone     text,
    placed_at          timestamptz NOT NULL
);

CREATE TABLE order_items (
    order_id   bigint NOT NULL REFERENCES orders ON DELETE CASCADE,
    product_id bigint NOT NULL REFERENCES products,
    quantity   integer NOT NULL,
    unit_price numeric(10, 2) NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE payment_methods (
    id              bigint PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users,
    brand           text NOT NULL,
    card_number     text UNIQUE,
    card_last4      char(4),
    exp_month       smallint,
    exp_year        smallint,
    cardholder_name text,
    iban            text,
    fingerprint     text NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE TABLE support_tickets (
    id          bigint PRIMARY KEY,
    user_id     bigint REFERENCES users,
    subject     text NOT NULL,
    body        text NOT NULL,
    agent_notes text,
    status      text NOT NULL,
    priority    smallint NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE audit_logs (
    id         bigint PRIMARY KEY,
    actor_id   bigint REFERENCES users,
    action     text NOT NULL,
    ip_address inet,
    user_agent text,
    details    jsonb NOT NULL,
    request_id uuid NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE app_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE hr.employees (
    id           bigint PRIMARY KEY,
    user_id      bigint REFERENCES users,
    full_name    text NOT NULL,
    ssn          text NOT NULL UNIQUE,
    payroll_iban text NOT NULL,
    department   text NOT NULL,
    salary       numeric(12, 2) NOT NULL,
    hired_on     date NOT NULL,
    manager_id   bigint REFERENCES hr.employees
);
`

// Sensitive labels the fixture's sensitive columns, as "schema.table.column". Every other
// column is harmless, however it is named or whatever it looks like.
var Sensitive = map[string]bool{
	"public.users.email":                     true,
	"public.users.first_name":                true,
	"public.users.last_name":                 true,
	"public.users.phone":                     true,
	"public.users.date_of_birth":             true,
	"public.users.password_hash":             true,
	"public.users.api_token":                 true,
	"public.users.signup_ip":                 true,
	"public.addresses.street":                true,
	"public.addresses.address_line2":         true,
	"public.addresses.postal_code":           true,
	"public.orders.customer_email":           true,
	"public.orders.shipping_phone":           true,
	"public.payment_methods.card_number":     true,
	"public.payment_methods.cardholder_name": true,
	"public.payment_methods.iban":            true,
	"public.support_tickets.body":            true,
	"public.audit_logs.ip_address":           true,
	"public.audit_logs.details":              true,
	"hr.employees.full_name":                 true,
	"hr.employees.ssn":                       true,
	"hr.employees.payroll_iban":              true,
}

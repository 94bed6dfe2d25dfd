package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/clonit/clonit/internal/testutil"
)

// balancer is a load balancer in front of several clonit-cloud processes. The device
// grant's steps go to fixed processes, so that a sign-in provably starts on one process
// and is approved on another; every other request goes round robin.
type balancer struct {
	URL      string
	backends []*url.URL

	mu     sync.Mutex
	next   int
	served map[string]map[int]bool // path -> indexes of the backends that served it
}

// fixed sends the device authorization request to the first process and the
// verification form to the second.
var fixed = map[string]int{"/oauth/device_authorization": 0, "/oauth/device": 1}

func newBalancer(t *testing.T) *balancer {
	b := &balancer{served: map[string]map[int]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(srv.Close)
	b.URL = srv.URL
	return b
}

func (b *balancer) serve(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	i, ok := fixed[r.URL.Path]
	if !ok {
		i = b.next % len(b.backends)
		b.next++
	}
	if b.served[r.URL.Path] == nil {
		b.served[r.URL.Path] = map[int]bool{}
	}
	b.served[r.URL.Path][i] = true
	target := b.backends[i]
	b.mu.Unlock()
	httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
}

// servedBy returns how many different processes served path.
func (b *balancer) servedBy(path string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.served[path])
}

// TestSignInAcrossProcesses runs two clonit-cloud processes on one PostgreSQL database
// behind a load balancer: `clonit login` asks the first for a device code, the person
// approves it on the second, and the rest of the session goes round robin.
func TestSignInAcrossProcesses(t *testing.T) {
	dbURL := testutil.NewPostgresDB(t)
	lb := newBalancer(t)
	var clouds []*cloud
	keyFile := filepath.Join(t.TempDir(), "secrets.key") // every server of one database shares it
	for range 2 {
		c := startCloud(t, "--database-url", dbURL, "--public-url", lb.URL, "--secrets-key-file", keyFile)
		u, err := url.Parse(c.URL)
		if err != nil {
			t.Fatal(err)
		}
		lb.backends = append(lb.backends, u)
		clouds = append(clouds, c)
	}
	const email, password = "ada@example.com", "correct horse battery staple"
	clouds[1].operator(t, password+"\n", "users", "add", "--email", email, "--name", "Ada Lovelace",
		"--password-stdin", "--groups", "eng", "--database-url", dbURL)

	ada := newAgent(t, lb.URL)
	stderr := ada.login(t, email, password)
	if want := "Signed in as ada@example.com (no org yet: create one with `clonit cloud org create --name NAME --slug SLUG`)\n"; !strings.HasSuffix(stderr, want) {
		t.Errorf("login said:\n%s\nwant it to end with:\n%s", stderr, want)
	}
	if lb.servedBy("/oauth/device_authorization") != 1 || lb.servedBy("/oauth/device") != 1 || lb.servedBy("/oauth/token") != 1 {
		t.Errorf("the device grant's steps reached the processes %v", lb.served)
	}
	ada.mustRun(t, "cloud", "org", "create", "--name", "Acme", "--slug", "acme")
	for range 2 { // one whoami on each process
		checkResult(t, "whoami", ada.run(t, "whoami"),
			result{Stdout: whoamiText(lb.URL, "Ada Lovelace", email, "session", "acme", "owner", "eng")})
	}

	// The session's refresh token works on whichever process gets the refresh, once.
	expireSession(t, ada)
	before := readSession(t, ada).RefreshToken
	checkResult(t, "whoami with an expired session", ada.run(t, "whoami"),
		result{Stdout: whoamiText(lb.URL, "Ada Lovelace", email, "session", "acme", "owner", "eng")})
	if after := readSession(t, ada).RefreshToken; after == "" || after == before {
		t.Errorf("the refresh token was not rotated")
	}
}

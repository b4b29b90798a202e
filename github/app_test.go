package github

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/github/githubtest"
)

const (
	testAppID          = 424242
	testInstallationID = 98765432
	// The token of the recorded installation-token.json (GitHub's OpenAPI example).
	installationToken = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
)

// appKeyFile generates a GitHub App private key and writes it as GitHub hands it out: a PEM file
// ("RSA PRIVATE KEY", PKCS #1), or PKCS #8 when pkcs8 is set (what openssl's newer tools write).
func appKeyFile(t *testing.T, pkcs8 bool) (*rsa.PrivateKey, string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	block := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}
	if pkcs8 {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	p := filepath.Join(t.TempDir(), "rampart-app.private-key.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return key, p
}

// appOptions reads the key file as --app-key-file does and configures App authentication.
func appOptions(t *testing.T, keyFile string) Options {
	t.Helper()
	pemKey, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return Options{AppID: testAppID, InstallationID: testInstallationID, AppKey: pemKey}
}

// checkAppJWT verifies the Authorization header of a request authenticated as the App itself:
// "Bearer JWT", the JWT signed with the App's key (RS256), issued by the App (iss = app id),
// and expiring within the 10 minutes GitHub allows.
func checkAppJWT(t testing.TB, r *http.Request, pub *rsa.PublicKey) {
	t.Helper()
	auth := r.Header.Get("Authorization")
	jwt, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		t.Errorf("access token request: Authorization = %.20q..., want Bearer JWT", auth)
		return
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Errorf("access token request: the JWT has %d parts, want 3", len(parts))
		return
	}
	seg := func(i int) []byte {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Errorf("JWT segment %d is not base64url: %v", i, err)
		}
		return b
	}
	var header struct{ Alg, Typ string }
	if err := json.Unmarshal(seg(0), &header); err != nil || header.Alg != "RS256" {
		t.Errorf("JWT header %s (%v), want alg RS256", seg(0), err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], seg(2)); err != nil {
		t.Errorf("the JWT is not signed by the App's key: %v", err)
	}
	var claims struct {
		Iss      any   `json:"iss"`
		Iat, Exp int64 // NumericDate: whole seconds
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(seg(1), &raw); err != nil {
		t.Errorf("JWT claims %s: %v", seg(1), err)
		return
	}
	for k, dst := range map[string]any{"iss": &claims.Iss, "iat": &claims.Iat, "exp": &claims.Exp} {
		if err := json.Unmarshal(raw[k], dst); err != nil {
			t.Errorf("JWT claim %s = %s: %v", k, raw[k], err)
		}
	}
	// GitHub takes the app id (or client id) as a string or a number.
	if fmt.Sprint(claims.Iss) != strconv.Itoa(testAppID) {
		t.Errorf("JWT iss = %v, want the app id %d", claims.Iss, testAppID)
	}
	now := time.Now()
	exp, iat := time.Unix(claims.Exp, 0), time.Unix(claims.Iat, 0)
	if !exp.After(now) || exp.After(now.Add(10*time.Minute)) {
		t.Errorf("JWT exp = %s, %s from now; GitHub wants it in the future and at most 10 minutes away", exp, exp.Sub(now))
	}
	if claims.Iat == 0 || iat.After(now.Add(time.Second)) || exp.Sub(iat) > 10*time.Minute {
		t.Errorf("JWT iat = %s (exp %s): want it issued already, at most 10 minutes before exp", iat, exp)
	}
}

// accessToken is the answer of POST /app/installations/{id}/access_tokens: the recorded example
// with token and expires_at replaced (the example's expired long ago: a client would refetch it
// for every request).
func accessToken(t *testing.T, token string, expires time.Time) githubtest.Response {
	return githubtest.Patched(t, http.StatusCreated, "installation-token.json", map[string]any{
		"token": token, "expires_at": expires.UTC().Format(time.RFC3339),
	})
}

// authSeen records the Authorization header of every request a stub matched.
type authSeen struct {
	mu  sync.Mutex
	got []string
}

func (a *authSeen) check(_ testing.TB, r *http.Request) {
	a.mu.Lock()
	a.got = append(a.got, r.Header.Get("Authorization"))
	a.mu.Unlock()
}

func (a *authSeen) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.got...)
}

// A GitHub App installation: the client signs a JWT with the App's key, trades it for an
// installation token once, and sends that token with every request, never printing it.
func TestAppInstallationToken(t *testing.T) {
	for _, format := range []string{"pkcs1", "pkcs8"} {
		t.Run(format, func(t *testing.T) {
			key, keyFile := appKeyFile(t, format == "pkcs8")
			reg := githubtest.New(t)
			tok := reg.Register(fmt.Sprintf("POST app/installations/%d/access_tokens", testInstallationID),
				accessToken(t, installationToken, time.Now().Add(time.Hour)))
			tok.Check = func(t testing.TB, r *http.Request) { checkAppJWT(t, r, &key.PublicKey) }
			var seen authSeen
			reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json")).Check = seen.check
			reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.File(t, 200, "branches.json")).Check = seen.check
			reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags", githubtest.File(t, 200, "git-matching-refs-tags.json")).Check = seen.check
			reg.Register("GET repos/octocat/Hello-World/tags?per_page=100", githubtest.File(t, 200, "tags.json")).Check = seen.check
			reg.Register("GET repos/octocat/Spoon-Knife", githubtest.Error(t, 401, "Bad credentials", "https://docs.github.com/rest")).Check = seen.check

			c, _ := newClient(t, reg, appOptions(t, keyFile))
			a := c.Actions()
			if _, err := a.Repo(ctx(t), "octocat", "Hello-World"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Refs(ctx(t), "octocat", "Hello-World"); err != nil {
				t.Fatal(err)
			}
			_, err := a.Repo(ctx(t), "octocat", "Spoon-Knife")
			if err == nil || !strings.Contains(err.Error(), "401") {
				t.Fatalf("err = %v, want the 401", err)
			}
			for _, secret := range []string{installationToken, "-----BEGIN", "Bearer", "eyJ"} {
				if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) {
					t.Errorf("the error shows %q: %v", secret, err)
				}
			}
			for i, got := range seen.all() {
				if got != "token "+installationToken {
					t.Errorf("request %d: Authorization = %.30q..., want the installation token", i+1, got)
				}
			}
			// The access token stub answers once (githubtest fails a second fetch); in all one
			// token fetch and five API requests.
			if n := c.Requests(); n != 6 {
				t.Errorf("requests = %d, want 6 (one token fetch, five API requests)", n)
			}
		})
	}
}

// An installation token is refetched shortly before it expires (tokens live an hour), and the
// new one is reused from then on.
func TestAppTokenRefreshedBeforeExpiry(t *testing.T) {
	key, keyFile := appKeyFile(t, false)
	const second = "ghs_aNewerInstallationTokenFor1Hour00000"
	reg := githubtest.New(t)
	tok := reg.Register(fmt.Sprintf("POST app/installations/%d/access_tokens", testInstallationID),
		accessToken(t, installationToken, time.Now().Add(30*time.Second)),
		accessToken(t, second, time.Now().Add(time.Hour)))
	tok.Check = func(t testing.TB, r *http.Request) { checkAppJWT(t, r, &key.PublicKey) }
	var seen authSeen
	reg.Register("GET repos/octocat/Hello-World", githubtest.File(t, 200, "repo.json")).Check = seen.check
	reg.Register("GET repos/octocat/Hello-World/branches?per_page=100", githubtest.File(t, 200, "branches.json")).Check = seen.check
	reg.Register("GET repos/octocat/Hello-World/git/matching-refs/tags", githubtest.File(t, 200, "git-matching-refs-tags.json")).Check = seen.check
	reg.Register("GET repos/octocat/Hello-World/tags?per_page=100", githubtest.File(t, 200, "tags.json")).Check = seen.check
	c, _ := newClient(t, reg, appOptions(t, keyFile))
	if _, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Actions().Refs(ctx(t), "octocat", "Hello-World"); err != nil {
		t.Fatal(err)
	}
	want := []string{"token " + installationToken, "token " + second, "token " + second, "token " + second}
	if got := seen.all(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Authorization headers = %q\nwant %q", got, want)
	}
}

// GitHub refuses the JWT (a wrong app id, a revoked key, a clock far off): the request fails at
// once, without retries, naming the installation, and without key, JWT or token material.
func TestAppTokenRefused(t *testing.T) {
	_, keyFile := appKeyFile(t, false)
	reg := githubtest.New(t)
	reg.Register(fmt.Sprintf("POST app/installations/%d/access_tokens", testInstallationID),
		githubtest.Error(t, 401, "A JSON web token could not be decoded", "https://docs.github.com/rest"))
	c, s := newClient(t, reg, appOptions(t, keyFile))
	_, err := c.Actions().Repo(ctx(t), "octocat", "Hello-World")
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, strconv.Itoa(testInstallationID)) || !strings.Contains(msg, "401") {
		t.Errorf("error %q does not name the installation and the 401", msg)
	}
	for _, secret := range []string{"-----BEGIN", "Bearer", "eyJ", "ghs_"} {
		if strings.Contains(msg, secret) {
			t.Errorf("the error shows %q: %v", secret, err)
		}
	}
	if c.Requests() != 1 || len(s.all()) != 0 {
		t.Errorf("requests %d, waits %v; want one request and no retry", c.Requests(), s.all())
	}
}

// Incomplete or unusable App credentials are refused when the client is built, without quoting
// the key. (The client needs the installation id: it does not look it up through
// GET /orgs/{org}/installation.)
func TestAppCredentialsRefused(t *testing.T) {
	_, keyFile := appKeyFile(t, false)
	good := appOptions(t, keyFile)
	garbled := strings.Replace(string(good.AppKey), "\n", "\nAAAA", 3)
	for name, o := range map[string]Options{
		"no installation id": {AppID: testAppID, AppKey: good.AppKey},
		"no app id":          {InstallationID: testInstallationID, AppKey: good.AppKey},
		"no key":             {AppID: testAppID, InstallationID: testInstallationID},
		"token and app":      {Token: testToken, AppID: testAppID, InstallationID: testInstallationID, AppKey: good.AppKey},
		"not a key":          {AppID: testAppID, InstallationID: testInstallationID, AppKey: []byte("ghp_notakey")},
		"garbled key":        {AppID: testAppID, InstallationID: testInstallationID, AppKey: []byte(garbled)},
	} {
		_, err := New(o)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		for _, secret := range []string{"-----BEGIN", "PRIVATE KEY", "AAAA", "ghp_", testToken} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error shows %q: %v", name, secret, err)
			}
		}
	}
}

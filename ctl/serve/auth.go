package serve

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/spp-go/spp/ctl/api"
)

// Who may call, how much they may send, and the log of what failed.

// Handler is the server's HTTP handler: every request is authorized, its
// body bounded, and a failed one (status 400 and above) logged in one
// line.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if rec.code >= 400 {
				s.log.Printf("%s %s from %s: %d %s", r.Method, r.URL.Path, r.RemoteAddr, rec.code, strings.TrimSpace(rec.body.String()))
			}
		}()
		if !s.authorized(r) {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="spp"`)
			writeText(rec, http.StatusUnauthorized, "missing or wrong bearer token (Authorization: Bearer TOKEN).")
			return
		}
		if r.ContentLength > api.MaxBody {
			writeText(rec, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes.", api.MaxBody))
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/") { // "*", which the router answers with a bare 400
			writeText(rec, http.StatusBadRequest, "the request target is not a path.")
			return
		}
		r.Body = http.MaxBytesReader(rec, r.Body, api.MaxBody)
		s.mux.ServeHTTP(rec, r)
	})
}

// authorized: loopback requests need no token; others need the bearer
// token, compared in constant time. Without a token (the API listens on
// loopback only) every request is local.
func (s *Server) authorized(r *http.Request) bool {
	if s.token == nil || isLoopbackPeer(r.RemoteAddr) {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), s.token) == 1
}

func isLoopbackPeer(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopback says whether an --api address (host:port) listens on
// loopback only: 127.0.0.0/8, ::1 or localhost. An empty host is every
// address.
func IsLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "localhost" {
		return true, nil
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback(), nil
	}
	if host == "" {
		return false, nil
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		return false, err
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false, nil
		}
	}
	return len(ips) > 0, nil
}

// ReadToken reads a token file: its content, blanks around it trimmed.
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := string(bytes.TrimSpace(b))
	if tok == "" {
		return "", fmt.Errorf("token file %s is empty", path)
	}
	if strings.ContainsAny(tok, " \t\r\n") {
		return "", fmt.Errorf("token file %s: the token is one word", path)
	}
	return tok, nil
}

// recorder keeps a reply's status, and the start of a failed reply's body
// for the log.
type recorder struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	if r.code >= 400 && r.body.Len() < 200 {
		r.body.Write(p)
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach Flush (the event stream).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

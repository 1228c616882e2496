package api

import (
	"fmt"
	"strings"
)

// BaseURL is the base of spp serve's URLs that an --api value names:
// "127.0.0.1:7777" (http:// assumed) or "http://host:port", without the
// trailing slash. https:// is accepted only when https says so (the shell
// may reach spp serve through a TLS proxy; the agent talks to its host's).
// Both clients, ctl/apiclient and ctl/agent, read --api with it.
func BaseURL(url string, https bool) (string, error) {
	u := strings.TrimRight(url, "/")
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	if !strings.HasPrefix(u, "http://") && !(https && strings.HasPrefix(u, "https://")) {
		return "", fmt.Errorf("--api %s: an http:// URL", url)
	}
	return u, nil
}

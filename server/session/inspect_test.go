package session

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestStoredFormIsTheRequestsOwn: the stored form a page shows is that of
// the session the request's own cookie names, and there is none once a
// logout ended it.
func TestStoredFormIsTheRequestsOwn(t *testing.T) {
	store := NewMemoryStore(MemoryOptions{})
	m, err := NewManager(store, Config{HashKeys: [][]byte{keyA}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) { FromContext(r.Context()).Put("cart", "1") })
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) { FromContext(r.Context()).Destroy() })
	mux.HandleFunc("/stored", func(w http.ResponseWriter, r *http.Request) {
		form, ok, err := m.StoredForm(w, r)
		if err != nil {
			return
		}
		json.NewEncoder(w).Encode(struct {
			OK   bool
			Form StoredForm
			ID   string
		}{ok, form, FromContext(r.Context()).ID()})
	})
	srv := httptest.NewServer(m.Handler(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (ok bool, form StoredForm, id string) {
		t.Helper()
		res, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v struct {
			OK   bool
			Form StoredForm
			ID   string
		}
		if path == "/stored" {
			if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
				t.Fatal(err)
			}
		}
		return v.OK, v.Form, v.ID
	}
	if ok, _, _ := get("/stored"); ok {
		t.Fatal("an anonymous request has a stored form")
	}
	get("/put")
	ok, form, id := get("/stored")
	if !ok || form.Backend != "memory" || !strings.Contains(form.Fields[2].Value, "cart") {
		t.Fatalf("after a put: %v %+v", ok, form)
	}
	if want, _ := decodeID(id); form.Fields[0].Value != hex.EncodeToString(want[:]) {
		t.Fatalf("the form is of %s, not the request's own session %s", form.Fields[0].Value, id)
	}
	get("/logout")
	if ok, _, _ := get("/stored"); ok {
		t.Fatal("a stored form after logout")
	}
}

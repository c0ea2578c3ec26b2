package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestLabStored: /lab/stored shows this browser's own record as the store
// keeps it, and after a logout nothing; never another browser's.
func TestLabStored(t *testing.T) {
	lab := newTestLab(t)
	b, other := lab.browser(), lab.browser()
	if got := b.get("/lab/stored").body; !strings.Contains(got, "backend: memory\nstored: no\n") {
		t.Errorf("no session yet:\n%s", got)
	}
	b.post("/lab/session", url.Values{"key": {"cart"}, "value": {"1"}})
	other.post("/lab/session", url.Values{"key": {"secret"}, "value": {"theirs"}})
	got := b.get("/lab/stored").body
	if !strings.Contains(got, "stored: yes") || !strings.Contains(got, "cart") || strings.Contains(got, "theirs") {
		t.Errorf("with a session:\n%s", got)
	}
	// The sentence under the record is the learner's language throughout:
	// where the record is kept too, not the store's English words.
	b.setCookie("lang", "ko")
	ko := b.get("/lab/stored").body
	if !strings.Contains(ko, "이 프로세스의 메모리") || strings.Contains(ko, "# 여러분 자신의 세션을 저장소가 보관하는 모습 그대로 보여 줍니다(this") {
		t.Errorf("in Korean, the sentence says where in English:\n%s", ko)
	}
	if !strings.Contains(ko, "where: this process's memory") {
		t.Errorf("in Korean, the record's own where: line changed:\n%s", ko)
	}
	b.setCookie("lang", "en")
	b.post("/logout", nil)
	if got := b.get("/lab/stored").body; !strings.Contains(got, "stored: no") {
		t.Errorf("after logout:\n%s", got)
	}
}

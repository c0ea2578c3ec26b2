package panel

import "strings"

// Lang normalises a page language ("ko", "ko-KR", "en-GB", "") to one the
// panel has labels for: "ko" or "en".
func Lang(s string) string {
	if l := asciiLower(trimSpace(s)); l == "ko" || strings.HasPrefix(l, "ko-") {
		return "ko"
	}
	return "en"
}

// L returns the label key in lang, falling back to English, then to the key.
// Placeholders {name} are filled from kv pairs: L("ko", "x", "name", "a").
func L(lang, key string, kv ...string) string {
	s, ok := labels[lang][key]
	if !ok {
		if s, ok = labels["en"][key]; !ok {
			s = key
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+kv[i]+"}", kv[i+1])
	}
	return s
}

// labelOr is the label key, or fallback when there is none (an event kind
// or reason the panel does not know yet is shown as the server names it).
func labelOr(lang, key, fallback string) string {
	if _, ok := labels["en"][key]; !ok {
		return fallback
	}
	return L(lang, key)
}

// labels holds every text the panel shows. Both languages have the same keys
// (a test checks it).
var labels = map[string]map[string]string{
	"en": {
		"panel.title":    "Cookie Lab panel",
		"panel.hide":     "Hide panel",
		"panel.show":     "Show panel",
		"panel.error":    "The panel could not load GET /api/state: {err}. What JavaScript sees is still shown; reload to try again.",
		"change.added":   "new",
		"change.removed": "gone",
		"change.changed": "changed",
		"empty":          "(empty)",
		"notset":         "not set",

		"js.title":           "What JavaScript sees",
		"js.hint":            "document.cookie on this page",
		"js.empty":           "document.cookie is empty: no cookie is visible to scripts here.",
		"srv.title":          "What the server received",
		"srv.hint":           "the Cookie header of the panel's last request",
		"srv.empty":          "The browser sent no cookies.",
		"srv.httponly":       "HttpOnly: the server got {name}, your script can't see it.",
		"srv.httponly.badge": "HttpOnly",

		"set.title":           "What the server set",
		"set.hint":            "Set-Cookie lines, every attribute spelled out",
		"set.source.action":   "Your last action",
		"set.source.page":     "This page's response",
		"set.none":            "No Set-Cookie lines: the jar was not changed.",
		"set.noecho":          "No response recorded yet.",
		"set.op.set":          "sets",
		"set.op.delete":       "deletes",
		"attr.value":          "Value",
		"attr.lifetime":       "Lifetime",
		"life.session":        "session cookie: gone when the browser closes",
		"life.persistent":     "persistent, leaves the jar in",
		"life.deleted":        "deleted now (Max-Age<=0 or Expires in the past)",
		"attr.maxage.secs":    "{n} s",
		"attr.path.unset":     "not set: defaults to the request's directory",
		"attr.domain.unset":   "not set: host-only (this host, no subdomains)",
		"attr.httponly.yes":   "yes: JavaScript cannot read it",
		"attr.httponly.no":    "no: document.cookie shows it",
		"attr.secure.yes":     "yes: sent over HTTPS only",
		"attr.secure.no":      "no: sent over plain HTTP too",
		"attr.samesite.unset": "not set: browsers treat it as Lax",
		"attr.partitioned":    "yes",
		"attr.other":          "Other",
		"attr.expires.bad":    "{raw} (not a date the browser understands)",

		"ses.title":      "Server-side session",
		"ses.hint":       "the record the server keeps for this browser",
		"ses.none":       "No session: the server keeps nothing for this browser.",
		"ses.id":         "Session id (on the server)",
		"ses.cookie":     "Signed cookie value (what the browser holds)",
		"ses.user":       "User",
		"ses.anonymous":  "anonymous: no user logged in",
		"ses.created":    "Created",
		"ses.lastseen":   "Last seen",
		"ses.idle":       "Idle expiry",
		"ses.absolute":   "Absolute expiry",
		"ses.in":         "in",
		"ses.data":       "Data",
		"ses.data.empty": "The session holds no data.",

		"tl.title":         "Session timeline",
		"tl.hint":          "this browser's session events, newest first",
		"tl.empty":         "No session events yet.",
		"ev.created":       "created",
		"ev.rotated":       "rotated: new id, data kept",
		"ev.destroyed":     "destroyed: logged out",
		"ev.expired":       "expired",
		"ev.rejected":      "rejected",
		"ev.replaces":      "replaces",
		"rs.bad-signature": "bad signature: the cookie was edited or invented",
		"rs.unknown":       "unknown id: no such session (logged out, swept or restarted)",
		"rs.expired":       "past its deadline",
		"rs.idle":          "idle timeout",
		"rs.absolute":      "absolute lifetime reached",
		"rs.interrupted":   "interrupted: a logout ended the session first",

		"dg.title":         "Session life cycle",
		"dg.none":          "No session",
		"dg.anonymous":     "Anonymous session",
		"dg.authenticated": "Logged in",
		"dg.ended":         "Ended",
		"dg.by.logout":     "by logout",
		"dg.by.expiry":     "by expiry",
		"dg.by.rejection":  "by rejection",
		"dg.last":          "Last transition:",
		"dg.via":           "via",
		"dg.unknown":       "?",
	},
	"ko": {
		"panel.title":    "쿠키 랩 패널",
		"panel.hide":     "패널 숨기기",
		"panel.show":     "패널 보기",
		"panel.error":    "패널이 GET /api/state를 불러오지 못했습니다: {err}. 자바스크립트가 보는 쿠키는 계속 보입니다. 새로 고침하여 다시 시도하세요.",
		"change.added":   "새로 생김",
		"change.removed": "사라짐",
		"change.changed": "바뀜",
		"empty":          "(비어 있음)",
		"notset":         "없음",

		"js.title":           "자바스크립트가 보는 쿠키",
		"js.hint":            "이 페이지의 document.cookie",
		"js.empty":           "document.cookie가 비어 있습니다: 여기서 스크립트가 볼 수 있는 쿠키가 없습니다.",
		"srv.title":          "서버가 받은 쿠키",
		"srv.hint":           "패널의 마지막 요청에 실린 Cookie 헤더",
		"srv.empty":          "브라우저가 쿠키를 하나도 보내지 않았습니다.",
		"srv.httponly":       "HttpOnly: 서버는 {name}을(를) 받았지만 스크립트는 볼 수 없습니다.",
		"srv.httponly.badge": "HttpOnly",

		"set.title":           "서버가 설정한 쿠키",
		"set.hint":            "Set-Cookie 줄과 모든 속성",
		"set.source.action":   "마지막 동작",
		"set.source.page":     "이 페이지의 응답",
		"set.none":            "Set-Cookie 줄이 없습니다: 쿠키 저장소가 바뀌지 않았습니다.",
		"set.noecho":          "아직 기록된 응답이 없습니다.",
		"set.op.set":          "설정",
		"set.op.delete":       "삭제",
		"attr.value":          "값",
		"attr.lifetime":       "수명",
		"life.session":        "세션 쿠키: 브라우저를 닫으면 사라짐",
		"life.persistent":     "영구 쿠키, 저장소에서 사라지기까지",
		"life.deleted":        "지금 삭제됨 (Max-Age<=0 또는 지난 Expires)",
		"attr.maxage.secs":    "{n}초",
		"attr.path.unset":     "없음: 요청 경로의 디렉터리가 기본값",
		"attr.domain.unset":   "없음: 이 호스트 전용 (하위 도메인 제외)",
		"attr.httponly.yes":   "예: 자바스크립트가 읽을 수 없음",
		"attr.httponly.no":    "아니요: document.cookie에 보임",
		"attr.secure.yes":     "예: HTTPS로만 전송",
		"attr.secure.no":      "아니요: 일반 HTTP로도 전송",
		"attr.samesite.unset": "없음: 브라우저는 Lax로 취급",
		"attr.partitioned":    "예",
		"attr.other":          "기타",
		"attr.expires.bad":    "{raw} (브라우저가 이해하지 못하는 날짜)",

		"ses.title":      "서버 쪽 세션",
		"ses.hint":       "서버가 이 브라우저를 위해 보관하는 기록",
		"ses.none":       "세션 없음: 서버는 이 브라우저에 대해 아무것도 보관하지 않습니다.",
		"ses.id":         "세션 ID (서버에 저장된 값)",
		"ses.cookie":     "서명된 쿠키 값 (브라우저가 가진 값)",
		"ses.user":       "사용자",
		"ses.anonymous":  "익명: 로그인한 사용자 없음",
		"ses.created":    "생성",
		"ses.lastseen":   "마지막 사용",
		"ses.idle":       "유휴 만료",
		"ses.absolute":   "절대 만료",
		"ses.in":         "남은 시간",
		"ses.data":       "데이터",
		"ses.data.empty": "세션에 데이터가 없습니다.",

		"tl.title":         "세션 타임라인",
		"tl.hint":          "이 브라우저의 세션 이벤트, 최신순",
		"tl.empty":         "아직 세션 이벤트가 없습니다.",
		"ev.created":       "생성됨",
		"ev.rotated":       "교체됨: 새 ID, 데이터 유지",
		"ev.destroyed":     "삭제됨: 로그아웃",
		"ev.expired":       "만료됨",
		"ev.rejected":      "거부됨",
		"ev.replaces":      "이전 ID",
		"rs.bad-signature": "서명 불일치: 쿠키가 수정되었거나 지어낸 값",
		"rs.unknown":       "알 수 없는 ID: 그런 세션 없음 (로그아웃, 정리 또는 재시작)",
		"rs.expired":       "기한 지남",
		"rs.idle":          "유휴 시간 초과",
		"rs.absolute":      "절대 수명 도달",
		"rs.interrupted":   "중단됨: 로그아웃이 먼저 세션을 끝냄",

		"dg.title":         "세션 생명 주기",
		"dg.none":          "세션 없음",
		"dg.anonymous":     "익명 세션",
		"dg.authenticated": "로그인됨",
		"dg.ended":         "종료됨",
		"dg.by.logout":     "로그아웃으로",
		"dg.by.expiry":     "만료로",
		"dg.by.rejection":  "거부로",
		"dg.last":          "마지막 전이:",
		"dg.via":           "원인",
		"dg.unknown":       "?",
	},
}

package step

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"cookielab/wasm/contract"
)

// Field types of a `field:` line.
const (
	FieldText     = "text"
	FieldHidden   = "hidden"
	FieldPassword = "password"
	FieldNumber   = "number"
	FieldCheckbox = "checkbox" // Value "on" = checked, "" = unchecked
	FieldSelect   = "select"   // Value is one of Options
)

// RandPlaceholder in a field's Value is replaced with a few random digits
// each time the page is rendered.
const RandPlaceholder = "{rand}"

// LangPlaceholder as a select's Value stands for the page's language, so a
// form that saves the language keeps the one the learner reads.
const LangPlaceholder = "{lang}"

// Field is one input of a form, from a `field:` line.
type Field struct {
	Name, Value, Type, Label string
	Options                  []string // select
}

// ReservedFields are added by the page itself: a form's way back to its
// step, and the panel's echo nonce.
var ReservedFields = []string{"next", contract.EchoField}

// ParseField parses `NAME=VALUE | TYPE | LABEL`.
func ParseField(s string) (Field, error) {
	fail := func(msg string) (Field, error) {
		return Field{}, errors.New("field " + strconv.Quote(s) + ": " + msg)
	}
	parts := strings.Split(s, "|")
	if len(parts) > 3 {
		return fail("want NAME=VALUE | TYPE | LABEL")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	name, value, ok := strings.Cut(parts[0], "=")
	if !ok {
		return fail("want NAME=VALUE")
	}
	f := Field{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value), Type: FieldText}
	if !fieldName(f.Name) {
		return fail("bad name " + strconv.Quote(f.Name))
	}
	if slices.Contains(ReservedFields, f.Name) {
		return fail(strconv.Quote(f.Name) + " is added by the page itself")
	}
	if len(parts) > 1 && parts[1] != "" {
		f.Type = parts[1]
	}
	if len(parts) > 2 {
		f.Label = parts[2]
	}
	if opts, ok := strings.CutPrefix(f.Type, "select:"); ok {
		f.Type = FieldSelect
		for o := range strings.SplitSeq(opts, ",") {
			if o = strings.TrimSpace(o); o != "" {
				f.Options = append(f.Options, o)
			}
		}
		if len(f.Options) == 0 {
			return fail("select has no options")
		}
		if f.Value == LangPlaceholder && slices.Contains(f.Options, "en") && slices.Contains(f.Options, "ko") {
			return f, nil
		}
		if !slices.Contains(f.Options, f.Value) {
			return fail("value " + strconv.Quote(f.Value) + " is not one of the options")
		}
		return f, nil
	}
	switch f.Type {
	case FieldText, FieldHidden, FieldPassword:
	case FieldNumber:
		if f.Value != "" {
			if _, err := strconv.Atoi(f.Value); err != nil {
				return fail("value " + strconv.Quote(f.Value) + " is not a whole number")
			}
		}
	case FieldCheckbox:
		if f.Value != "" && f.Value != "on" {
			return fail(`a checkbox's value is "on" (checked) or empty`)
		}
	default:
		return fail("unknown type " + strconv.Quote(f.Type) + " (want text, hidden, password, number, checkbox, select:A,B)")
	}
	return f, nil
}

// fieldName: a letter, then letters, digits, _ . -
func fieldName(n string) bool {
	if n == "" || !isLetter(n[0]) {
		return false
	}
	for i := 1; i < len(n); i++ {
		if c := n[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

//go:build js && wasm

package main

import (
	"errors"
	"syscall/js"

	"cookielab/wasm/panel"
)

var (
	global   = js.Global()
	document = global.Get("document")
	jsonAPI  = global.Get("JSON")
	isArray  = global.Get("Array").Get("isArray")
	objKeys  = global.Get("Object").Get("keys")
)

// jsValue lets package panel read a parsed JSON value (panel.Value).
type jsValue struct{ v js.Value }

var jsNull = jsValue{js.Null()}

func (j jsValue) Kind() panel.Kind {
	switch j.v.Type() {
	case js.TypeBoolean:
		return panel.Bool
	case js.TypeNumber:
		return panel.Number
	case js.TypeString:
		return panel.String
	case js.TypeObject:
		if isArray.Invoke(j.v).Bool() {
			return panel.Array
		}
		return panel.Object
	}
	return panel.Null
}

func (j jsValue) Get(key string) panel.Value {
	if j.v.Type() != js.TypeObject {
		return jsNull
	}
	return jsValue{j.v.Get(key)}
}

func (j jsValue) Index(i int) panel.Value {
	if i < 0 || i >= j.Len() {
		return jsNull
	}
	return jsValue{j.v.Index(i)}
}

func (j jsValue) Len() int {
	if j.Kind() != panel.Array {
		return 0
	}
	return j.v.Length()
}

func (j jsValue) Keys() []string {
	if j.Kind() != panel.Object {
		return nil
	}
	k := objKeys.Invoke(j.v)
	out := make([]string, k.Length())
	for i := range out {
		out[i] = k.Index(i).String()
	}
	return out
}

func (j jsValue) Str() string {
	if j.v.Type() != js.TypeString {
		return ""
	}
	return j.v.String()
}

func (j jsValue) Num() float64 {
	if j.v.Type() != js.TypeNumber {
		return 0
	}
	return j.v.Float()
}

func (j jsValue) Truth() bool { return j.v.Type() == js.TypeBoolean && j.v.Bool() }

// try runs f, turning a JavaScript exception (syscall/js panics with a
// js.Error) into an error.
func try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = errors.New("javascript exception")
			}
		}
	}()
	f()
	return nil
}

// parseJSON parses s with the browser's JSON.parse.
func parseJSON(s string) panel.Value {
	if s == "" {
		return jsNull
	}
	var v js.Value
	if try(func() { v = jsonAPI.Call("parse", s) }) != nil {
		return jsNull
	}
	return jsValue{v}
}

// stringify encodes a tree of map[string]any, []any, string, bool and
// numbers with the browser's JSON.stringify.
func stringify(tree any) string {
	return jsonAPI.Call("stringify", js.ValueOf(tree)).String()
}

// storage reads and writes sessionStorage or localStorage; storage that is
// unavailable (disabled, sandboxed, full) reads as empty and drops writes.
type storage string

func (s storage) get(key string) string {
	var v js.Value
	if try(func() { v = global.Get(string(s)).Call("getItem", key) }) != nil || v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

func (s storage) set(key, value string) {
	_ = try(func() { global.Get(string(s)).Call("setItem", key, value) })
}

func (s storage) remove(key string) {
	_ = try(func() { global.Get(string(s)).Call("removeItem", key) })
}

const (
	sessionStorage storage = "sessionStorage"
	localStorage   storage = "localStorage"
)

// await waits for a promise. Call it only from a goroutine of our own, never
// inside a js.FuncOf callback: it blocks until the promise settles. Both
// callbacks are released once it has.
func await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onValue := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: arg0(args)}
		return nil
	})
	onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: jsError(arg0(args))}
		return nil
	})
	defer onValue.Release()
	defer onError.Release()
	promise.Call("then", onValue, onError)
	r := <-ch
	return r.v, r.err
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// jsError describes a rejection reason (usually an Error) as a Go error.
func jsError(v js.Value) error {
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString && m.String() != "" {
			return errors.New(m.String())
		}
	}
	if v.Type() == js.TypeString {
		return errors.New(v.String())
	}
	return errors.New("request failed")
}

// build creates the DOM nodes of an element tree. Text goes into text
// nodes and values into setAttribute, never through an HTML parser. An svg
// element and everything in it are made in the SVG namespace.
func build(e *panel.El) js.Value { return buildNS(e, false) }

const svgNS = "http://www.w3.org/2000/svg"

func buildNS(e *panel.El, svg bool) js.Value {
	svg = svg || e.Tag == "svg"
	var n js.Value
	if svg {
		n = document.Call("createElementNS", svgNS, e.Tag)
	} else {
		n = document.Call("createElement", e.Tag)
	}
	for _, a := range e.Attrs {
		n.Call("setAttribute", a.Name, a.Value)
	}
	if e.Text != "" {
		n.Call("append", e.Text)
	}
	for _, c := range e.Children {
		n.Call("append", buildNS(c, svg))
	}
	return n
}

// buildAll creates the nodes of several trees, as arguments for
// replaceChildren.
func buildAll(list []*panel.El) []any {
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = build(e)
	}
	return out
}

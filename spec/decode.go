package spec

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// paramName is the spec name of a Config field: its `spec:"…"` tag, or
// its Go name in snake case (MinDocWords → min_doc_words).
func paramName(f reflect.StructField) string {
	if t := f.Tag.Get("spec"); t != "" {
		return t
	}
	var b strings.Builder
	rs := []rune(f.Name)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
			i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// params lists the exported fields of a Config type with their spec names.
func params(t reflect.Type) ([]string, []int) {
	var names []string
	var idx []int
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("spec") == "-" {
			continue
		}
		names = append(names, paramName(f))
		idx = append(idx, i)
	}
	return names, idx
}

var durationType = reflect.TypeOf(time.Duration(0))

// decodeStruct sets the fields of v (a Config struct) from a mapping node.
func decodeStruct(file, stage string, n *yaml.Node, v reflect.Value) error {
	return decodeStructAt(file, stage, "", n, v)
}

func decodeStructAt(file, stage, prefix string, n *yaml.Node, v reflect.Value) error {
	if n.Kind != yaml.MappingNode {
		what := "parameters"
		if prefix != "" {
			what = "fields"
		}
		return errAt(file, n, stage, strings.TrimSuffix(prefix, "."), "want a mapping of %s (name: value)", what)
	}
	names, idx := params(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return errAt(file, k, stage, prefix+k.Value, "given twice")
		}
		seen[k.Value] = true
		j := -1
		for x, name := range names {
			if name == k.Value {
				j = idx[x]
			}
		}
		if j < 0 {
			return errAt(file, k, stage, prefix+k.Value, "no such parameter (known: %s)", strings.Join(names, ", "))
		}
		if err := decodeValue(file, stage, prefix+k.Value, val, v.Field(j)); err != nil {
			return err
		}
	}
	return nil
}

// decodeValue sets v from a node; param names it in errors.
func decodeValue(file, stage, param string, n *yaml.Node, v reflect.Value) error {
	if n.Kind == yaml.AliasNode {
		return errAt(file, n, stage, param, "YAML aliases are not supported in specs")
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		v.Set(reflect.Zero(v.Type()))
		return nil
	}
	if v.Type() == durationType {
		if n.Kind != yaml.ScalarNode {
			return errAt(file, n, stage, param, "want a duration such as 2s or 500ms")
		}
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			return errAt(file, n, stage, param, "want a duration such as 2s or 500ms, not %q", n.Value)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			return errAt(file, n, stage, param, "want true or false, not %s", show(n))
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return errAt(file, n, stage, param, "want an integer, not %s", show(n))
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil || v.OverflowInt(i) {
			return errAt(file, n, stage, param, "want an integer, not %s", show(n))
		}
		v.SetInt(i)
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!float" && n.Tag != "!!int") {
			return errAt(file, n, stage, param, "want a number, not %s", show(n))
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return errAt(file, n, stage, param, "want a finite number, not %s", show(n))
		}
		v.SetFloat(f)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return errAt(file, n, stage, param, "want a string, not %s", show(n))
		}
		v.SetString(n.Value)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return errAt(file, n, stage, param, "want a list, not %s", show(n))
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := decodeValue(file, stage, fmt.Sprintf("%s[%d]", param, i), item, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Struct:
		return decodeStructAt(file, stage, param+".", n, v)
	default:
		return errAt(file, n, stage, param, "cannot be set from a spec (%s)", v.Type())
	}
	return nil
}

// show describes a node in an error.
func show(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return strconv.Quote(n.Value)
}

// encodeValue renders v (a Config struct, or a field of one) as a node.
func encodeValue(v reflect.Value) *yaml.Node {
	if v.Type() == durationType {
		return str(time.Duration(v.Int()).String())
	}
	switch v.Kind() {
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}
	case reflect.Float64:
		s := strconv.FormatFloat(v.Float(), 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") { // 1 → 1.0, so that it reads back as a float
			s += ".0"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: s}
	case reflect.String:
		return str(v.String())
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for i := 0; i < v.Len(); i++ {
			item := encodeValue(v.Index(i))
			if item.Kind != yaml.ScalarNode {
				n.Style = 0
				item.Style = yaml.FlowStyle // a small struct on one line: {n: 2, frac: 0.2}
			}
			n.Content = append(n.Content, item)
		}
		return n
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		names, idx := params(v.Type())
		for i, name := range names {
			n.Content = append(n.Content, str(name), encodeValue(v.Field(idx[i])))
		}
		return n
	}
	panic(fmt.Sprintf("spec: cannot render %s", v.Type()))
}

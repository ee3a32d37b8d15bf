// Package threshold decides on a number an earlier stage left in a
// document's metadata: the threshold_v1 stage. It is how a threshold
// changes without recomputing anything.
//
// A run with the fineweb preset tags every document with
// metadata.slop_score and removes nothing. To remove the stories scoring
// 0.8 or more later, read its output again with one stage:
//
//	# select.yaml
//	stages:
//	  - threshold_v1:
//	      keep: slop_score < 0.8
//
//	winnow run --config select.yaml --out strict out/kept/
//
// The rule is KEY OP NUMBER, OP one of <, <=, >, >=. KEY names a field of
// metadata; a dotted KEY ("scores.slop") reads into nested objects when no
// field has the dotted name itself. A document whose value breaks the
// rule is removed with reason KEY_too_high (for < and <=) or KEY_too_low
// (for > and >=). One without the field, or whose field is not a number,
// is kept or removed (reasons KEY_missing, KEY_not_a_number) as Missing
// says. Several rules are several stages.
package threshold

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/winnowhq/winnow/doc"
)

// Name is the stage's name.
const Name = "threshold_v1"

// Config is the stage's configuration.
type Config struct {
	// Keep is the rule a document must pass to be kept, KEY OP NUMBER:
	// "slop_score < 0.8", "language_score >= 0.65".
	Keep string
	// Missing is what happens to a document without the field or whose
	// field is not a number: "remove" (the default) or "keep".
	Missing string
}

// Default returns a Config with no rule (Validate asks for one) that
// removes documents without the field.
func Default() Config { return Config{Missing: "remove"} }

// Validate reports a rule that does not parse or a bad Missing.
func (c Config) Validate() error {
	if _, err := parse(c.Keep); err != nil {
		return err
	}
	if c.Missing != "remove" && c.Missing != "keep" {
		return fmt.Errorf("missing: %q: want remove or keep", c.Missing)
	}
	return nil
}

// rule is a parsed Keep.
type rule struct {
	key  string
	op   string
	x    float64
	path []string // key's parts when it has dots
}

var ops = []string{"<=", ">=", "<", ">"} // two-byte operators first

func parse(s string) (rule, error) {
	usage := fmt.Errorf("keep: %q: want KEY OP NUMBER with OP one of <, <=, >, >= (e.g. \"slop_score < 0.8\")", s)
	for _, op := range ops {
		i := strings.Index(s, op)
		if i < 0 {
			continue
		}
		key, num := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+len(op):])
		if key == "" || strings.ContainsAny(key, " \t<>=") {
			return rule{}, usage
		}
		x, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return rule{}, usage
		}
		r := rule{key: key, op: op, x: x}
		if strings.Contains(key, ".") {
			r.path = strings.Split(key, ".")
			for _, p := range r.path {
				if p == "" {
					return rule{}, fmt.Errorf("keep: %q: an empty part in the key %q", s, key)
				}
			}
		}
		return r, nil
	}
	return rule{}, usage
}

// Filter is the threshold_v1 stage. Safe for concurrent use.
type Filter struct {
	r       rule
	missing bool // keep documents without the field
	// The reasons, made once.
	failed, absent, notNumber string
}

var _ doc.Filter = (*Filter)(nil)
var _ doc.Named = (*Filter)(nil)

// New returns the stage for cfg.
func New(cfg Config) (*Filter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, _ := parse(cfg.Keep)
	f := &Filter{r: r, missing: cfg.Missing == "keep",
		absent: r.key + "_missing", notNumber: r.key + "_not_a_number"}
	if r.op[0] == '<' {
		f.failed = r.key + "_too_high"
	} else {
		f.failed = r.key + "_too_low"
	}
	return f, nil
}

// Name returns "threshold_v1".
func (f *Filter) Name() string { return Name }

// Keep applies the rule to d's metadata.
func (f *Filter) Keep(d *doc.Doc) (bool, string) {
	v, ok := d.Meta.Get(f.r.key)
	if !ok && f.r.path != nil {
		v, ok = d.Meta.Get(f.r.path[0])
		for _, p := range f.r.path[1:] {
			if !ok {
				break
			}
			m, isMap := v.(map[string]any)
			if !isMap {
				ok = false
				break
			}
			v, ok = m[p]
		}
	}
	if !ok || v == nil {
		return f.missing, reasonIf(!f.missing, f.absent)
	}
	x, ok := number(v)
	if !ok {
		return f.missing, reasonIf(!f.missing, f.notNumber)
	}
	var pass bool
	switch f.r.op {
	case "<":
		pass = x < f.r.x
	case "<=":
		pass = x <= f.r.x
	case ">":
		pass = x > f.r.x
	default:
		pass = x >= f.r.x
	}
	return pass, reasonIf(!pass, f.failed)
}

func reasonIf(removed bool, reason string) string {
	if removed {
		return reason
	}
	return ""
}

// number reads the numbers a metadata value can hold: decoded JSON
// (float64), a stage's own in this run (float64, int), or a json.Number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case float32:
		return float64(x), !math.IsNaN(float64(x))
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

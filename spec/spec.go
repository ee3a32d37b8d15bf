// Package spec describes a winnow pipeline as data: the stages to run, in
// order, each with its typed configuration, and the deduplication after
// them. `winnow run --config FILE` reads one; the presets (fineweb,
// contentfarm, …) are spec files embedded in this package; `winnow presets
// NAME` prints one in full, every parameter with its value, ready to copy
// and edit.
//
// # The file
//
//	# pipeline.yaml
//	description: FineWeb's filters, stricter on short documents
//	stages:
//	  - lang_v1:
//	      languages: [en]
//	      threshold: 0.65
//	  - gopher_repetition_v1
//	  - gopher_quality_v1:
//	      min_doc_words: 100
//	  - c4_quality_v1
//	  - fineweb_quality_v1
//	  - slop_v2:
//	      tag_only: true
//	dedup: minhash
//
// A stage is its name alone (every parameter at its default) or its name
// mapping to the parameters that differ. Parameter names are the fields of
// the stage's Config type in snake case (filter.GopherQualityConfig's
// MinDocWords is min_doc_words); durations are written "2s", lists as YAML
// lists. `winnow presets fineweb` shows every one. dedup is none (the
// default), exact or minhash. Names older than their versioned form
// (gopher_quality for gopher_quality_v1) are read as aliases.
//
// Reading is strict: an unknown stage, an unknown or misspelt parameter, a
// value of the wrong type, a repeated stage or key, and a value the stage's
// Validate refuses are errors naming the file, line, column, stage and
// parameter:
//
//	pipeline.yaml:7:7: gopher_quality_v1: min_doc_word: no such parameter (known: min_doc_words, max_doc_words, …)
//
// # Identity
//
// Canonical renders a spec with every parameter, defaults filled in, in a
// fixed order; Hash is the SHA-256 of that text (the description left out).
// Two specs that run the same stages with the same parameters have the same
// hash however they were written, which is what a run's output directory
// is compared by when it resumes.
package spec

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/winnowhq/winnow/doc"
)

// Dedup modes.
const (
	DedupNone    = "none"
	DedupExact   = "exact"
	DedupMinHash = "minhash"
)

// Spec is a pipeline: stages in order, then deduplication.
type Spec struct {
	Description string
	Input       Input
	Stages      []Stage
	Dedup       string // DedupNone, DedupExact or DedupMinHash
}

// Input says where JSONL and Parquet inputs keep a document's text and id
// (datatrove's text_key and id_key; --text-field and --id-field): the
// spec file's
//
//	input:
//	  text_field: raw_content
//	  id_field: doc_id
//
// Empty means datatrove's "text" and "id".
type Input struct {
	TextField string
	IDField   string
}

// Stage is one stage of a spec. Config is a pointer to the stage's typed
// configuration (for gopher_quality_v1 a *filter.GopherQualityConfig),
// defaults filled in; a library user may change it before Build.
type Stage struct {
	Name   string
	Config any

	pos position // where the stage was written, for errors
}

// position is a place in a spec file.
type position struct {
	file         string
	line, column int
}

func (p position) String() string {
	switch {
	case p.file == "":
		return ""
	case p.line == 0:
		return p.file + ": "
	}
	return fmt.Sprintf("%s:%d:%d: ", p.file, p.line, p.column)
}

// Error is a problem in a spec: where, which stage and parameter, what.
type Error struct {
	File         string
	Line, Column int
	Stage, Param string
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(position{e.File, e.Line, e.Column}.String())
	if e.Stage != "" {
		b.WriteString(e.Stage)
		if e.Param != "" {
			b.WriteString("." + e.Param)
		}
		b.WriteString(": ")
	} else if e.Param != "" {
		b.WriteString(e.Param + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func errAt(file string, n *yaml.Node, stage, param, format string, args ...any) *Error {
	e := &Error{File: file, Stage: stage, Param: param, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

// New returns a spec running the named stages with their default
// configurations, and no dedup.
func New(names ...string) (*Spec, error) {
	s := &Spec{Dedup: DedupNone}
	for _, n := range names {
		d, ok := Lookup(n)
		if !ok {
			return nil, &Error{Stage: n, Msg: "unknown stage (known: " + strings.Join(Names(), ", ") + ")"}
		}
		s.Stages = append(s.Stages, Stage{Name: d.Name, Config: d.newConfig()})
	}
	return s, s.Validate()
}

// Parse reads a spec file and validates it; file names it in errors.
func Parse(file string, data []byte) (*Spec, error) {
	s, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// parse reads a spec file without validating its stages' configurations
// (which may load models).
func parse(file string, data []byte) (*Spec, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: max(root.Line, 1), Column: max(root.Column, 1), Msg: "want a mapping with stages: and optionally dedup: and description:"}
	}
	top := root.Content[0]
	s := &Spec{Dedup: DedupNone}
	seen := map[string]bool{}
	var stages *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			return nil, errAt(file, k, "", k.Value, "given twice")
		}
		seen[k.Value] = true
		switch k.Value {
		case "description":
			if v.Kind != yaml.ScalarNode {
				return nil, errAt(file, v, "", "description", "want a string")
			}
			s.Description = v.Value
		case "dedup":
			if v.Kind != yaml.ScalarNode || (v.Value != DedupNone && v.Value != DedupExact && v.Value != DedupMinHash) {
				return nil, errAt(file, v, "", "dedup", "want none, exact or minhash, not %q", v.Value)
			}
			s.Dedup = v.Value
		case "stages":
			stages = v
		case "input":
			if v.Kind != yaml.MappingNode {
				return nil, errAt(file, v, "", "input", "want a mapping with text_field and/or id_field")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				ik, iv := v.Content[j], v.Content[j+1]
				if iv.Kind != yaml.ScalarNode || iv.Tag == "!!null" || strings.TrimSpace(iv.Value) == "" {
					return nil, errAt(file, iv, "", "input."+ik.Value, "want a member name")
				}
				switch ik.Value {
				case "text_field":
					s.Input.TextField = iv.Value
				case "id_field":
					s.Input.IDField = iv.Value
				default:
					return nil, errAt(file, ik, "", "input."+ik.Value, "unknown key (known: text_field, id_field)")
				}
			}
		default:
			return nil, errAt(file, k, "", k.Value, "unknown key (known: description, input, stages, dedup)")
		}
	}
	if stages == nil {
		return nil, errAt(file, top, "", "stages", "missing: list the stages to run, or [] for none")
	}
	if stages.Kind != yaml.SequenceNode {
		return nil, errAt(file, stages, "", "stages", "want a list of stages")
	}
	where := map[string]int{}
	for _, item := range stages.Content {
		var name, cfg *yaml.Node
		switch {
		case item.Kind == yaml.ScalarNode:
			name = item
		case item.Kind == yaml.MappingNode && len(item.Content) == 2:
			name, cfg = item.Content[0], item.Content[1]
		default:
			return nil, errAt(file, item, "", "stages", "want a stage name, or a name mapping to its parameters")
		}
		d, ok := Lookup(name.Value)
		if !ok {
			return nil, errAt(file, name, name.Value, "", "unknown stage (known: %s)", strings.Join(Names(), ", "))
		}
		if line, dup := where[d.Name]; dup {
			return nil, errAt(file, name, d.Name, "", "given twice (first on line %d)", line)
		}
		where[d.Name] = name.Line
		st := Stage{Name: d.Name, Config: d.newConfig(), pos: position{file, name.Line, name.Column}}
		if cfg != nil && !(cfg.Kind == yaml.ScalarNode && cfg.Tag == "!!null") {
			if err := decodeStruct(file, d.Name, cfg, reflect.ValueOf(st.Config).Elem()); err != nil {
				return nil, err
			}
		}
		s.Stages = append(s.Stages, st)
	}
	return s, nil
}

// Validate checks every stage's configuration with its Validate method.
func (s *Spec) Validate() error {
	switch s.Dedup {
	case DedupNone, DedupExact, DedupMinHash:
	case "":
		s.Dedup = DedupNone
	default:
		return &Error{Param: "dedup", Msg: fmt.Sprintf("want none, exact or minhash, not %q", s.Dedup)}
	}
	t, id := cmp.Or(s.Input.TextField, "text"), cmp.Or(s.Input.IDField, "id")
	switch {
	case t == "metadata" || id == "metadata":
		return &Error{Param: "input", Msg: `the text and id fields cannot be "metadata"`}
	case t == id:
		return &Error{Param: "input", Msg: fmt.Sprintf("text_field and id_field are both %q", t)}
	}
	for _, st := range s.Stages {
		v, ok := st.Config.(interface{ Validate() error })
		if !ok {
			continue
		}
		if err := v.Validate(); err != nil {
			return &Error{File: st.pos.file, Line: st.pos.line, Column: st.pos.column, Stage: st.Name, Msg: err.Error()}
		}
	}
	return nil
}

// Names returns the stage names of s, in order.
func (s *Spec) Names() []string {
	out := make([]string, len(s.Stages))
	for i, st := range s.Stages {
		out[i] = st.Name
	}
	return out
}

// Built is a built stage: its name and what runs it, a Filter (keeps or
// removes) or a Transform (changes, never removes). Exactly one is set.
type Built struct {
	Name      string
	Filter    doc.Filter
	Transform doc.Transformer
}

// Run runs the stage on d: a transform keeps d always.
func (b Built) Run(d *doc.Doc) (ok bool, reason string) {
	if b.Transform != nil {
		b.Transform.Transform(d)
		return true, ""
	}
	return b.Filter.Keep(d)
}

// Build builds every stage. Stages are safe for concurrent use: build once
// and share them between workers.
func (s *Spec) Build() ([]Built, error) {
	out := make([]Built, 0, len(s.Stages))
	for _, st := range s.Stages {
		d, ok := Lookup(st.Name)
		if !ok {
			return nil, &Error{Stage: st.Name, Msg: "unknown stage"}
		}
		f, err := d.build(st.Config)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", st.Name, err)
		}
		b := Built{Name: st.Name}
		switch f := f.(type) {
		case doc.Transformer:
			b.Transform = f
		case doc.Filter:
			b.Filter = f
		default:
			return nil, fmt.Errorf("internal error: stage %s builds a %T, neither a doc.Filter nor a doc.Transformer", st.Name, f)
		}
		out = append(out, b)
	}
	return out, nil
}

// Canonical returns s as a spec file with every parameter written out, in
// the order of the Config types' fields. Parse(Canonical()) gives s again.
func (s *Spec) Canonical() []byte { return s.render(true) }

// Hash returns the hex SHA-256 of the canonical text without the
// description: the identity of what the spec runs.
func (s *Spec) Hash() string {
	h := sha256.Sum256(s.render(false))
	return hex.EncodeToString(h[:])
}

func (s *Spec) render(withDescription bool) []byte {
	top := &yaml.Node{Kind: yaml.MappingNode}
	if withDescription && s.Description != "" {
		top.Content = append(top.Content, str("description"), str(s.Description))
	}
	if s.Input != (Input{}) {
		in := &yaml.Node{Kind: yaml.MappingNode}
		if s.Input.TextField != "" {
			in.Content = append(in.Content, str("text_field"), str(s.Input.TextField))
		}
		if s.Input.IDField != "" {
			in.Content = append(in.Content, str("id_field"), str(s.Input.IDField))
		}
		top.Content = append(top.Content, str("input"), in)
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, st := range s.Stages {
		cfg := encodeValue(reflect.ValueOf(st.Config).Elem())
		if len(cfg.Content) == 0 {
			list.Content = append(list.Content, str(st.Name))
			continue
		}
		list.Content = append(list.Content, &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str(st.Name), cfg}})
	}
	if len(list.Content) == 0 {
		list.Style = yaml.FlowStyle
	}
	dedup := s.Dedup
	if dedup == "" {
		dedup = DedupNone
	}
	top.Content = append(top.Content, str("stages"), list, str("dedup"), str(dedup))
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top}}); err != nil {
		panic(fmt.Sprintf("spec: render: %v", err)) // only scalars, lists and mappings built above
	}
	enc.Close()
	return b.Bytes()
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

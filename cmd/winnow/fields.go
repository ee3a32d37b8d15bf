package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/pipeline"
)

// fieldOpts are --text-field and --id-field: the JSONL members (Parquet
// columns) a document's text and id are read from, datatrove's text_key
// and id_key.
type fieldOpts struct{ text, id string }

func fieldFlags(c *cobra.Command, o *fieldOpts) {
	c.Flags().StringVar(&o.text, "text-field", "text", `JSONL member (Parquet column) holding the text, e.g. "content" or "raw_content"; output is written with "text"`)
	c.Flags().StringVar(&o.id, "id-field", "id", `JSONL member (Parquet column) holding the id; output is written with "id"`)
}

// fields returns the names as jsonl.Fields, or a usage error.
func (o fieldOpts) fields() (jsonl.Fields, error) {
	// datatrove's names are the zero value ("" is them too): a run that
	// names them is the run that does not.
	var f jsonl.Fields
	if o.text != "text" {
		f.Text = o.text
	}
	if o.id != "id" {
		f.ID = o.id
	}
	if err := f.Check(); err != nil {
		return f, usagef("--text-field, --id-field: %v", err)
	}
	return f, nil
}

// fieldsFingerprint is what the names add to a run's resume fingerprint:
// nothing for datatrove's, so that runs of earlier versions resume.
func fieldsFingerprint(f jsonl.Fields) string {
	if f.TextName() == "text" && f.IDName() == "id" {
		return ""
	}
	return fmt.Sprintf("; fields text=%q id=%q", f.TextName(), f.IDName())
}

// withFields sets f on every input.
func withFields(ins []pipeline.Input, f jsonl.Fields) {
	for i := range ins {
		ins[i].Fields = f
	}
}

package parquet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format/jsonl"
)

// Defaults for Options.
const (
	DefaultRowGroupRows  = 100_000
	DefaultRowGroupBytes = 64 << 20
)

// ErrExtraField is returned by Write for a document with an Extra field the
// file's schema (fixed by the first document) has no column for.
var ErrExtraField = errors.New("parquet: extra field not in the file's schema")

// Options configure a Writer. The zero value means the defaults.
type Options struct {
	// Compression of the column pages: "zstd" (default), "snappy" or "none".
	Compression string
	// RowGroupRows and RowGroupBytes bound a row group: it is flushed when
	// either is reached (bytes counted before compression). Defaults:
	// DefaultRowGroupRows, DefaultRowGroupBytes. A row group is held in
	// memory until flushed, so RowGroupBytes bounds the writer's memory.
	RowGroupRows  int
	RowGroupBytes int64
}

// Validate fills in defaults and checks o.
func (o *Options) Validate() error {
	switch strings.ToLower(o.Compression) {
	case "", "zstd", "zst":
		o.Compression = "zstd"
	case "snappy":
		o.Compression = "snappy"
	case "none":
		o.Compression = "none"
	default:
		return fmt.Errorf("parquet: unknown compression %q (want zstd, snappy or none)", o.Compression)
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.RowGroupBytes <= 0 {
		o.RowGroupBytes = DefaultRowGroupBytes
	}
	return nil
}

func (o *Options) codec() compress.Codec {
	switch o.Compression {
	case "snappy":
		return &pq.Snappy
	case "none":
		return &pq.Uncompressed
	}
	return &pq.Zstd
}

// Writer writes documents as a Parquet file with datatrove's column names.
// It is not safe for concurrent use. Close must be called to write the
// footer; without it the file is not readable.
type Writer struct {
	w    io.Writer
	opts Options

	//lint:ignore SA1019 the schema is built at run time (metadata as JSON text or a struct, extra columns by name), which the generic writer's static row type cannot express
	pw      *pq.Writer
	idCol   int
	textCol int
	metaCol int
	extra   map[string]pq.LeafColumn // extra field name → column
	ncols   int

	row     pq.Row
	pending int   // rows in the current row group
	bytes   int64 // their size before compression
	metaBuf []byte
	scratch doc.Doc
	err     error
	closed  bool
}

// NewWriter returns a Writer to w with the default Options (zstd, row
// groups of at most 100,000 rows or 64 MiB). Close does not close w.
func NewWriter(w io.Writer) *Writer {
	o := Options{}
	_ = o.Validate()
	return &Writer{w: w, opts: o}
}

// NewWriterOptions is NewWriter with Options.
func NewWriterOptions(w io.Writer, o Options) (*Writer, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Writer{w: w, opts: o}, nil
}

// open fixes the schema from the first document's Extra fields.
func (w *Writer) open(first *doc.Doc) error {
	g := pq.Group{
		"id":       pq.String(),
		"text":     pq.String(),
		"metadata": pq.String(),
	}
	jsonCols := []string{"metadata"}
	if first != nil {
		for _, f := range first.Extra {
			switch f.Key {
			case "id", "text", "metadata":
				return fmt.Errorf("parquet: extra field %q clashes with a datatrove column", f.Key)
			}
			if _, dup := g[f.Key]; dup {
				continue
			}
			g[f.Key] = pq.Optional(pq.String())
			jsonCols = append(jsonCols, f.Key)
		}
	}
	schema := pq.NewSchema("document", g)
	names, _ := json.Marshal(jsonCols)
	w.pw = pq.NewWriter(w.w, schema,
		pq.Compression(w.opts.codec()),
		pq.KeyValueMetadata(JSONColumnsKey, string(names)),
		pq.KeyValueMetadata("writer", "winnow format/parquet"),
	)
	col := func(name string) pq.LeafColumn {
		c, _ := schema.Lookup(name)
		return c
	}
	w.idCol, w.textCol, w.metaCol = col("id").ColumnIndex, col("text").ColumnIndex, col("metadata").ColumnIndex
	w.extra = map[string]pq.LeafColumn{}
	for _, name := range jsonCols[1:] {
		w.extra[name] = col(name)
	}
	w.ncols = len(schema.Columns())
	w.row = make(pq.Row, w.ncols)
	return nil
}

// Write appends d as one row: "id", "text", "metadata" (the JSON object
// as text, with keys set by stages merged in, as format/jsonl writes it),
// and one column per Extra field holding its raw JSON as text. The Extra
// columns are those of the first document written; a later document with
// another Extra field fails with ErrExtraField, one without a field gets
// null there.
func (w *Writer) Write(d *doc.Doc) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("parquet: write after close")
	}
	if w.pw == nil {
		if err := w.open(d); err != nil {
			w.err = err
			return err
		}
	}
	meta, err := w.meta(d)
	if err != nil {
		return fmt.Errorf("encode %s metadata: %w", d.ID, err)
	}
	row := w.row[:w.ncols]
	for i := range row {
		row[i] = pq.NullValue().Level(0, 0, i)
	}
	row[w.idCol] = pq.ByteArrayValue([]byte(d.ID)).Level(0, 0, w.idCol)
	row[w.textCol] = pq.ByteArrayValue([]byte(d.Text)).Level(0, 0, w.textCol)
	row[w.metaCol] = pq.ByteArrayValue(meta).Level(0, 0, w.metaCol)
	size := int64(len(d.ID) + len(d.Text) + len(meta))
	for _, f := range d.Extra {
		c, ok := w.extra[f.Key]
		if !ok {
			return fmt.Errorf("write %s: %w: %q", d.ID, ErrExtraField, f.Key)
		}
		row[c.ColumnIndex] = pq.ByteArrayValue(f.Value).Level(0, c.MaxDefinitionLevel, c.ColumnIndex)
		size += int64(len(f.Value))
	}
	if _, err := w.pw.WriteRows([]pq.Row{row}); err != nil {
		w.err = fmt.Errorf("parquet: write %s: %w", d.ID, err)
		return w.err
	}
	w.pending++
	w.bytes += size
	if w.pending >= w.opts.RowGroupRows || w.bytes >= w.opts.RowGroupBytes {
		if err := w.pw.Flush(); err != nil {
			w.err = fmt.Errorf("parquet: flush row group: %w", err)
			return w.err
		}
		w.pending, w.bytes = 0, 0
	}
	return nil
}

// meta returns d's metadata object as JSON. The slice is reused.
func (w *Writer) meta(d *doc.Doc) ([]byte, error) {
	if d.Meta.Len() == 0 {
		if len(d.Meta.Raw) == 0 {
			return []byte("{}"), nil
		}
		return d.Meta.Raw, nil
	}
	// Reuse format/jsonl's merge of input and stage keys: encode a doc
	// with empty id and text and cut the metadata object out.
	const prefix = `{"id":"","text":"","metadata":`
	w.scratch.Meta = d.Meta
	b, err := jsonl.AppendDoc(w.metaBuf[:0], &w.scratch)
	w.scratch.Meta = doc.Meta{}
	w.metaBuf = b
	if err != nil {
		return nil, err
	}
	return b[len(prefix) : len(b)-2], nil
}

// Close flushes the last row group and writes the footer. A file with no
// documents gets the id, text and metadata columns and no rows. Close does
// not close the io.Writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.pw == nil {
		if err := w.open(nil); err != nil {
			return err
		}
	}
	if err := w.pw.Close(); err != nil {
		w.err = fmt.Errorf("parquet: close: %w", err)
	}
	return w.err
}

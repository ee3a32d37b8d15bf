package parquet

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/winnowhq/winnow/doc"
)

// Errors the reader wraps, with the file name and row, in its errors.
var (
	ErrNoText   = errors.New(`parquet: file has no "text" column`)
	ErrTextType = errors.New(`parquet: "text" is not a string`)
	ErrIDType   = errors.New(`parquet: "id" is not a string or integer`)
	ErrMetaType = errors.New(`parquet: "metadata" is not a JSON object, struct or map`)
	ErrCorrupt  = errors.New("parquet: corrupt file")
)

// JSONColumnsKey is the key, in the file's key-value metadata, under which
// the Writer lists (as a JSON array of names) the string columns that hold
// JSON text: "metadata" and the Extra fields. The Reader turns the values
// of those columns back into raw JSON instead of JSON strings.
const JSONColumnsKey = "winnow.json_columns"

const batchRows = 256

// Reader reads documents from a Parquet file, one row group at a time.
// It is not safe for concurrent use.
type Reader struct {
	name     string
	ra       io.ReaderAt
	size     int64
	file     *pq.File
	fields   []pq.Field
	jsonCols map[string]bool
	textCol  string // the column read as the text: "text" unless NewReaderColumns renamed it
	idCol    string // the column read as the id: "id" unless renamed

	rowGroup int     // index of the next row group to open
	rows     pq.Rows // rows of the current row group, or nil
	buf      []pq.Row
	n, i     int   // rows buffered in buf, next one to use
	row      int64 // index in the file of the next row Next returns
	m        map[string]any
	err      error
}

// NewReader opens the Parquet file r of size bytes. name is used in error
// messages, as Doc.Source, and in default ids ("<name>/<row index>") for
// files without an "id" column. Only the footer is read here; rows are read
// by Next, one row group at a time, so memory stays bounded by the largest
// row group, not the file.
//
// It fails if the file is not Parquet or has no "text" column.
func NewReader(r io.ReaderAt, size int64, name string) (rd *Reader, err error) {
	return NewReaderColumns(r, size, name, "text", "id")
}

// NewReaderColumns is NewReader reading the text from column textCol and
// the id from column idCol (datatrove's text_key and id_key). Documents
// are written in datatrove's schema whatever they were read from, so a
// file that has a column "text" or "id" besides the ones read is refused:
// it would be a second member of that name in the output.
func NewReaderColumns(r io.ReaderAt, size int64, name, textCol, idCol string) (rd *Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rd, err = nil, fmt.Errorf("open %s: %w: %v", name, ErrCorrupt, p)
		}
	}()
	if err := checkFooter(r, size); err != nil {
		return nil, fmt.Errorf("open %s: %w: %v", name, ErrCorrupt, err)
	}
	f, err := pq.OpenFile(r, size, pq.SkipPageIndex(true), pq.SkipBloomFilters(true), pq.ReadBufferSize(256<<10))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %v", name, ErrCorrupt, err)
	}
	rd = &Reader{name: name, ra: r, size: size, file: f, fields: f.Schema().Fields(), m: map[string]any{}, textCol: textCol, idCol: idCol}
	var text pq.Field
	for _, fl := range rd.fields {
		switch n := fl.Name(); {
		case n == textCol:
			text = fl
		case n != idCol && (n == "text" || n == "id"):
			return nil, fmt.Errorf("open %s: column %q beside the text column %q and id column %q read: it would be written over", name, n, textCol, idCol)
		}
	}
	if text == nil {
		if textCol != "text" {
			return nil, fmt.Errorf("open %s: %w", name, fmt.Errorf("%w (looked for %q)", ErrNoText, textCol))
		}
		return nil, fmt.Errorf("open %s: %w", name, ErrNoText)
	}
	if !text.Leaf() || text.Repeated() || text.Type().Kind() != pq.ByteArray {
		return nil, fmt.Errorf("open %s: %w (column type %s)", name, ErrTextType, text.Type())
	}
	if v, ok := f.Lookup(JSONColumnsKey); ok {
		var names []string
		if json.Unmarshal([]byte(v), &names) == nil {
			rd.jsonCols = make(map[string]bool, len(names))
			for _, n := range names {
				rd.jsonCols[n] = true
			}
		}
	}
	return rd, nil
}

// checkFooter checks the file's trailer before parquet-go reads it:
// parquet-go allocates as many bytes as the footer length claims.
func checkFooter(r io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("%d bytes is too short for Parquet", size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(tail[4:]) != "PAR1" {
		return errors.New("no PAR1 magic at the end")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 {
		return fmt.Errorf("footer length %d exceeds the file size %d", n, size)
	}
	return nil
}

// MaxPageSize is the largest page, compressed or not, the Reader accepts:
// 512 MiB, as format/jsonl's longest line.
const MaxPageSize = 512 << 20

// checkRowGroup walks the page headers of row group i's column chunks and
// checks that every chunk lies inside the file, every page inside its
// chunk, and no page is over MaxPageSize, before parquet-go allocates
// buffers of the sizes they claim. It reads the page headers only.
func (r *Reader) checkRowGroup(i int) error {
	md := r.file.Metadata()
	if i >= len(md.RowGroups) {
		return nil
	}
	var proto thrift.CompactProtocol
	var window []byte
	for j, cc := range md.RowGroups[i].Columns {
		m := cc.MetaData
		start := m.DataPageOffset
		if m.DictionaryPageOffset > 0 && m.DictionaryPageOffset < start {
			start = m.DictionaryPageOffset
		}
		end := start + m.TotalCompressedSize
		if start < 4 || m.TotalCompressedSize < 0 || end > r.size-8 || end < start {
			return fmt.Errorf("column %d: chunk [%d, %d) outside the file", j, start, end)
		}
		for off := start; off < end; {
			n := min(end-off, 64<<10)
			for {
				window = slicesGrow(window, int(n))
				if _, err := r.ra.ReadAt(window, off); err != nil && err != io.EOF {
					return fmt.Errorf("column %d: page header at %d: %v", j, off, err)
				}
				var h format.PageHeader
				pr := proto.NewReaderFromBytes(window)
				err := thrift.NewDecoder(pr).Decode(&h)
				if err != nil {
					if n < end-off && n < 16<<20 {
						n = min(end-off, n*16) // a header with large statistics
						continue
					}
					return fmt.Errorf("column %d: page header at %d: %v", j, off, err)
				}
				c, u := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
				hdr := int64(pr.BytesRead())
				if c < 0 || u < 0 || c > MaxPageSize || u > MaxPageSize || off+hdr+c > end {
					return fmt.Errorf("column %d: page at %d claims %d bytes (%d uncompressed) in a chunk ending at %d", j, off, c, u, end)
				}
				off += hdr + c
				break
			}
		}
	}
	return nil
}

func slicesGrow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// NumRows reports the number of rows in the file, from its footer.
func (r *Reader) NumRows() int64 { return r.file.NumRows() }

// Next reads the next row into d, which it resets first. It returns io.EOF
// after the last row. Any other error is final and names the file (and the
// row, for a value of the wrong type).
//
// Columns map to d as datatrove's ParquetReader maps them: "text" (a null
// text reads as ""), "id" (a string, or an integer kept as its decimal
// text; missing or null: "<name>/<row index>"), "metadata" (a JSON object
// in a string column, or a struct or map column, converted to a JSON
// object) into d.Meta.Raw; every other column becomes a d.Extra field
// holding its value as JSON, in the file's column order.
func (r *Reader) Next(d *doc.Doc) error {
	if r.err != nil {
		return r.err
	}
	for r.i >= r.n {
		if err := r.fill(); err != nil {
			r.err = err
			return err
		}
	}
	row := r.buf[r.i]
	r.i++
	idx := r.row
	r.row++
	if err := r.decode(row, idx, d); err != nil {
		r.err = err
		return err
	}
	return nil
}

// fill reads the next batch of rows, opening the next row group as needed.
func (r *Reader) fill() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("read %s row group %d: %w: %v", r.name, r.rowGroup-1, ErrCorrupt, p)
		}
	}()
	r.i, r.n = 0, 0
	if r.rows == nil {
		groups := r.file.RowGroups()
		if r.rowGroup >= len(groups) {
			return io.EOF
		}
		if err := r.checkRowGroup(r.rowGroup); err != nil {
			return fmt.Errorf("read %s row group %d: %w: %v", r.name, r.rowGroup, ErrCorrupt, err)
		}
		r.rows = groups[r.rowGroup].Rows()
		r.rowGroup++
	}
	if r.buf == nil {
		r.buf = make([]pq.Row, batchRows)
	}
	n, err := r.rows.ReadRows(r.buf)
	r.n = n
	if err == io.EOF {
		r.rows.Close()
		r.rows = nil
		return nil
	}
	if err != nil {
		r.n = 0
		return fmt.Errorf("read %s row group %d: %w: %v", r.name, r.rowGroup-1, ErrCorrupt, err)
	}
	return nil
}

func (r *Reader) decode(row pq.Row, idx int64, d *doc.Doc) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("read %s row %d: %w: %v", r.name, idx, ErrCorrupt, p)
		}
	}()
	d.Reset()
	clear(r.m)
	if err := r.file.Schema().Reconstruct(&r.m, row); err != nil {
		return fmt.Errorf("read %s row %d: %w: %v", r.name, idx, ErrCorrupt, err)
	}
	d.Source = r.name
	d.Line = idx + 1
	hasID := false
	for _, fl := range r.fields {
		key := fl.Name()
		v := r.m[key]
		switch key {
		case r.textCol:
			switch x := v.(type) {
			case string:
				d.Text = x
			case []byte:
				d.Text = string(x)
			case nil:
			default:
				return fmt.Errorf("read %s row %d: %w (%T)", r.name, idx, ErrTextType, v)
			}
		case r.idCol:
			id, ok, err := idString(v)
			if err != nil {
				return fmt.Errorf("read %s row %d: %w", r.name, idx, err)
			}
			d.ID, hasID = id, ok
		case "metadata":
			raw, err := metaJSON(v)
			if err != nil {
				return fmt.Errorf("read %s row %d: %w", r.name, idx, err)
			}
			d.Meta.Raw = raw
		default:
			raw, err := r.extraJSON(key, v)
			if err != nil {
				return fmt.Errorf("read %s row %d column %q: %w", r.name, idx, key, err)
			}
			d.Extra = append(d.Extra, doc.Field{Key: key, Value: raw})
		}
	}
	if !hasID {
		d.ID = doc.DefaultID(r.name, idx)
	}
	d.Size = len(d.Text) + len(d.ID) + len(d.Meta.Raw)
	for _, f := range d.Extra {
		d.Size += len(f.Value)
	}
	return nil
}

func idString(v any) (string, bool, error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case []byte:
		return string(x), true, nil
	case int32:
		return strconv.FormatInt(int64(x), 10), true, nil
	case int64:
		return strconv.FormatInt(x, 10), true, nil
	case int:
		return strconv.Itoa(x), true, nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true, nil
	case uint64:
		return strconv.FormatUint(x, 10), true, nil
	}
	return "", false, fmt.Errorf("%w (%T)", ErrIDType, v)
}

// metaJSON converts a metadata value to a JSON object, or nil for none.
func metaJSON(v any) (json.RawMessage, error) {
	var b []byte
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		b = []byte(x)
	case []byte:
		b = x
	case map[string]any:
		out, err := json.Marshal(textBytes(x))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMetaType, err)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("%w (%T)", ErrMetaType, v)
	}
	s := trimSpace(b)
	if len(s) == 0 || string(s) == "null" {
		return nil, nil
	}
	if s[0] != '{' || !json.Valid(s) {
		return nil, fmt.Errorf("%w: %.40q", ErrMetaType, s)
	}
	return append(json.RawMessage(nil), s...), nil
}

func (r *Reader) extraJSON(key string, v any) (json.RawMessage, error) {
	if r.jsonCols[key] {
		var b []byte
		switch x := v.(type) {
		case nil:
			return json.RawMessage("null"), nil
		case string:
			b = []byte(x)
		case []byte:
			b = x
		}
		if b != nil && json.Valid(b) {
			return append(json.RawMessage(nil), b...), nil
		}
	}
	out, err := json.Marshal(textBytes(v))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// textBytes replaces, inside v, byte arrays that hold valid UTF-8 with
// strings (parquet-go gives []byte for a BYTE_ARRAY without the STRING
// annotation, as in map keys and values), so that they become JSON strings,
// not base64. Other byte arrays stay base64, as encoding/json writes them.
func textBytes(v any) any {
	switch x := v.(type) {
	case []byte:
		if utf8.Valid(x) {
			return string(x)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = textBytes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = textBytes(e)
		}
	}
	return v
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// Close releases the current row group's buffers. It does not close the
// io.ReaderAt given to NewReader.
func (r *Reader) Close() error {
	if r.rows != nil {
		err := r.rows.Close()
		r.rows = nil
		return err
	}
	return nil
}

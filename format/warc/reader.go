package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
)

// Default limits.
const (
	// MaxBodySize is the default limit on a record's block: 64 MiB.
	MaxBodySize = 64 << 20
	// MaxHeaderSize is the default limit on a record's WARC (or ARC)
	// header, and separately on an HTTP header: 256 KiB.
	MaxHeaderSize = 256 << 10
)

// Errors wrapped by RecordError.
var (
	ErrTruncated     = errors.New("warc: truncated record")
	ErrCorrupt       = errors.New("warc: corrupt record")
	ErrTooLarge      = errors.New("warc: record too large")
	ErrNoHeader      = errors.New("warc: no record header")
	ErrBadEncoding   = errors.New("warc: undecodable payload")
	ErrCorruptStream = errors.New("warc: corrupt compressed stream")
)

// RecordError reports a record that could not be read: truncated, with a
// damaged header or compressed data, too large, or with a payload that
// cannot be decoded. The reader has moved on (or will resynchronise on the
// next call); the caller counts it as rejected and calls Next again.
type RecordError struct {
	File   string // the name given to NewReader
	Offset int64  // input offset of the record (or of the damage), see Record.Offset
	Type   string // WARC-Type, if the header was read
	URI    string // WARC-Target-URI, if the header was read
	Err    error  // wraps one of the Err* values above
}

func (e *RecordError) Error() string {
	s := fmt.Sprintf("%s offset %d", e.File, e.Offset)
	if e.Type != "" {
		s += " (" + e.Type
		if e.URI != "" {
			s += " " + e.URI
		}
		s += ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *RecordError) Unwrap() error { return e.Err }

// Field is one header line.
type Field struct {
	Name, Value string
}

// Header is a record's or an HTTP message's header, in input order.
type Header []Field

// Get returns the first value of the named field (case-insensitive), or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Record is one document record: a WARC response, resource or conversion
// record, or an ARC record.
type Record struct {
	Version string // "WARC/1.0", "WARC/1.1", "WARC/0.18", or "ARC/1", "ARC/2"
	Type    string // WARC-Type: "response", "resource" or "conversion"
	Header  Header // the WARC header (for ARC, the header line's fields)

	TargetURI string // WARC-Target-URI, angle brackets removed
	Date      string // WARC-Date as written (ARC: the 14-digit date)
	RecordID  string // WARC-Record-ID as written, "<urn:uuid:...>"; "" for ARC

	// HTTPStatus is the status code of a response record's HTTP message,
	// 0 when the record holds no HTTP message.
	HTTPStatus int
	// HTTPHeader is the HTTP message's header, nil when there is none.
	HTTPHeader Header
	// ContentType is the payload's media type, lower case, without
	// parameters: from the HTTP Content-Type, else the record's.
	ContentType string
	// Charset is the character encoding the body was decoded from (lower
	// case, e.g. "utf-8", "windows-1252"), or the declared one when it is
	// not supported (then the body was read as UTF-8; see the package doc).
	Charset string
	// Body is the payload as UTF-8: transfer and content encodings removed,
	// converted from Charset, invalid bytes replaced by U+FFFD. HTML stays
	// HTML. It is valid until the next call to Next.
	Body []byte

	// Offset and Length locate the record in the input; see the package doc.
	// Skip is the number of decompressed bytes from the gzip member at
	// Offset to the record, 0 unless several records share a member.
	Offset, Length, Skip int64

	file string // the reader's name
}

// IsDocument reports whether records of type t carry a document:
// "response", "resource" and "conversion".
func IsDocument(t string) bool {
	return t == "response" || t == "resource" || t == "conversion"
}

// Textual reports whether the record's content type is a text type a
// document can be made of: text/*, HTML/XHTML, XML, JSON, or no type at
// all. Images, PDFs and the like are not.
func (rec *Record) Textual() bool {
	ct := rec.ContentType
	switch {
	case ct == "", strings.HasPrefix(ct, "text/"), strings.HasSuffix(ct, "+xml"),
		strings.HasSuffix(ct, "/xml"), strings.HasSuffix(ct, "/json"):
		return true
	}
	return false
}

// Doc fills d from the record. The id is the WARC-Record-ID, else
// "<name>/<offset>" with the name given to NewReader; the text is the
// body; metadata gets url, date, warc_record_id, content_type, charset,
// http_status, warc_type, warc_offset and warc_length. d is reset first;
// Source is the reader's name and Size the record's Length. d shares
// nothing with the record.
func (rec *Record) Doc(d *doc.Doc) { rec.doc(rec.file, d) }

func (rec *Record) doc(name string, d *doc.Doc) {
	d.Reset()
	d.ID = rec.RecordID
	if d.ID == "" {
		d.ID = name + "/" + strconv.FormatInt(rec.Offset, 10)
	}
	d.Text = string(rec.Body)
	d.Source = name
	d.Size = int(rec.Length)
	d.Meta.Set("url", rec.TargetURI)
	d.Meta.Set("date", rec.Date)
	d.Meta.Set("warc_record_id", rec.RecordID)
	d.Meta.Set("content_type", rec.ContentType)
	d.Meta.Set("charset", rec.Charset)
	d.Meta.Set("http_status", rec.HTTPStatus)
	d.Meta.Set("warc_type", rec.Type)
	d.Meta.Set("warc_offset", rec.Offset)
	d.Meta.Set("warc_length", rec.Length)
}

// Reader reads document records from a WARC or ARC file. It is not safe
// for concurrent use.
type Reader struct {
	// MaxBodySize limits a record's block and its decoded payload; larger
	// records are skipped with a RecordError wrapping ErrTooLarge. Set it
	// before the first call to Next. <= 0 means the default.
	MaxBodySize int64
	// MaxHeaderSize limits a record's header and its HTTP header; <= 0
	// means the default.
	MaxHeaderSize int

	name     string
	src      *source
	dr       *bufio.Reader
	arc      int  // 0: not ARC (yet), 1 or 2: ARC version
	needSync bool // resynchronise before the next record
	pending  error
	counts   map[string]int64
	errs     int64
	block    []byte
	scratch  []byte
	body     []byte         // dechunked payload
	charset  format.Decoder // converts bodies to UTF-8
	rec      Record
}

// NewReader returns a Reader of r, whose compression (none, gzip, zstd) is
// detected from its first bytes. name identifies the input in errors and
// default ids. The Reader does not close r.
func NewReader(r io.Reader, name string) *Reader {
	rd := &Reader{name: name, counts: map[string]int64{}}
	rd.src = newSource(r)
	rd.dr = bufio.NewReaderSize(rd.src, 64<<10)
	return rd
}

// Reset makes r read src as a new input named name, keeping its buffers and
// decompressors (like gzip.Reader.Reset), so one Reader can serve many
// files. Counts and Errors start again from zero; the limits are kept.
func (r *Reader) Reset(src io.Reader, name string) {
	r.name = name
	r.arc = 0
	r.needSync = false
	r.pending = nil
	r.counts = map[string]int64{}
	r.errs = 0
	r.src.reset(src)
	r.dr.Reset(r.src)
}

// Counts returns how many records of each type were read, documents and
// skipped ones alike ("warcinfo", "request", "response", ...; an ARC
// file's filedesc record counts as "warcinfo"). Records that gave a
// RecordError are not counted here; see Errors.
func (r *Reader) Counts() map[string]int64 { return r.counts }

// Errors returns how many RecordErrors Next returned.
func (r *Reader) Errors() int64 { return r.errs }

// Next returns the next document record (response, resource, conversion),
// counting and skipping the others. The Record and its Body are valid until
// the next call.
//
// At the end of the input Next returns (nil, io.EOF). A *RecordError means
// one record (or a damaged stretch of input) was skipped: count it and call
// Next again; the reader resynchronises at the next record. Any other error
// is an I/O error of the underlying reader or a corrupt zstd stream: stop.
func (r *Reader) Next() (*Record, error) {
	if r.MaxBodySize <= 0 {
		r.MaxBodySize = MaxBodySize
	}
	if r.MaxHeaderSize <= 0 {
		r.MaxHeaderSize = MaxHeaderSize
	}
	for {
		rec, err := r.next()
		if err != nil {
			var re *RecordError
			if errors.As(err, &re) {
				r.errs++
			}
			return nil, err
		}
		r.counts[rec.Type]++
		if IsDocument(rec.Type) {
			return rec, nil
		}
	}
}

func (r *Reader) pos() int64 { return r.src.produced - int64(r.dr.Buffered()) }

func (r *Reader) recErr(off int64, typ, uri string, sentinel error, format string, args ...any) *RecordError {
	return &RecordError{File: r.name, Offset: off, Type: typ, URI: uri,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// streamErr turns an error from the decompressed stream into what Next
// returns: a RecordError for damaged compressed data (and a resync), the
// error itself otherwise.
func (r *Reader) streamErr(err error, off int64, typ, uri string) error {
	var ce *corruptError
	if errors.As(err, &ce) {
		r.needSync = true
		return r.recErr(off, typ, uri, ErrCorruptStream, "%v", ce)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		r.needSync = true
		return r.recErr(off, typ, uri, ErrTruncated, "input ends inside the record")
	}
	return fmt.Errorf("read %s: %w", r.name, err)
}

func (r *Reader) next() (*Record, error) {
	if r.pending != nil {
		err := r.pending
		r.pending = nil
		return nil, r.streamErr(err, r.src.cpos(), "", "")
	}
	if r.needSync {
		r.needSync = false
		if err := r.resync(); err != nil {
			return nil, err
		}
	}
	if err := r.skipSpace(); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, r.streamErr(err, r.src.cpos(), "", "")
	}
	start := r.pos()
	r.src.prune(start)
	off, skip, idx := r.src.locate(start)
	line, err := r.readLine()
	if err != nil {
		return nil, r.streamErr(err, off, "", "")
	}
	rec := &r.rec
	*rec = Record{file: r.name, Offset: off, Skip: skip, Header: rec.Header[:0], HTTPHeader: rec.HTTPHeader[:0]}
	var blockLen int64
	if bytes.HasPrefix(line, []byte("WARC/")) {
		rec.Version = string(trimEOL(line))
		if err := r.readHeader(rec); err != nil {
			return nil, err
		}
		rec.Type = rec.Header.Get("WARC-Type")
		rec.TargetURI = targetURI(rec.Header.Get("WARC-Target-URI"))
		rec.Date = rec.Header.Get("WARC-Date")
		rec.RecordID = rec.Header.Get("WARC-Record-ID")
		cl := rec.Header.Get("Content-Length")
		n, perr := strconv.ParseInt(strings.TrimSpace(cl), 10, 64)
		if perr != nil || n < 0 {
			r.needSync = true
			return nil, r.recErr(off, rec.Type, rec.TargetURI, ErrCorrupt, "bad Content-Length %q", cl)
		}
		blockLen = n
	} else if a, ok := r.parseARC(line); ok {
		a.fill(rec, r.arc)
		blockLen = a.length
		if a.filedesc {
			// The version and field-name lines belong to the header.
			for i := 0; i < 2; i++ {
				l, err := r.readLine()
				if err != nil {
					return nil, r.streamErr(err, off, rec.Type, "")
				}
				if i == 0 && bytes.HasPrefix(l, []byte("2 ")) {
					r.arc = 2
					rec.Version = "ARC/2"
				}
				blockLen = max(0, blockLen-int64(len(l)))
			}
		}
	} else {
		r.needSync = true
		return nil, r.recErr(off, "", "", ErrNoHeader, "found %q", clip(line, 40))
	}

	if blockLen > r.MaxBodySize {
		if _, err := r.dr.Discard(int(min(blockLen, 1<<62))); err != nil {
			return nil, r.streamErr(err, off, rec.Type, rec.TargetURI)
		}
		r.endRecord()
		return nil, r.recErr(off, rec.Type, rec.TargetURI, ErrTooLarge, "block of %d bytes over the %d-byte limit", blockLen, r.MaxBodySize)
	}
	block, err := r.readBlock(blockLen)
	if n := len(block); err != nil {
		var ce *corruptError
		if errors.As(err, &ce) {
			return nil, r.streamErr(err, off, rec.Type, rec.TargetURI)
		}
		if (err == io.EOF || err == io.ErrUnexpectedEOF) && r.arc != 0 {
			// ARC lengths are often off by the line ends an editor or an old
			// tool changed; as warcio does, the last record keeps what there is.
			block = block[:n]
		} else if err == io.EOF || err == io.ErrUnexpectedEOF {
			r.needSync = true
			return nil, r.recErr(off, rec.Type, rec.TargetURI, ErrTruncated, "block has %d of %d bytes", n, blockLen)
		} else {
			return nil, r.streamErr(err, off, rec.Type, rec.TargetURI)
		}
	}
	if r.arc == 0 {
		if bad := r.endWARC(); bad != nil {
			r.needSync = true
			return nil, r.recErr(off, rec.Type, rec.TargetURI, ErrCorrupt,
				"Content-Length %d is not followed by the record end: found %q", blockLen, clip(bad, 20))
		}
	} else {
		r.endRecord()
	}
	if r.pending != nil && errors.Is(r.pending, gzip.ErrChecksum) {
		// The member that ended with the record fails its CRC: the record
		// read from it cannot be trusted.
		r.pending = nil
		r.needSync = true
		return nil, r.recErr(off, rec.Type, rec.TargetURI, ErrCorruptStream, "gzip checksum mismatch")
	}
	end := r.pos()
	endOff, _, endIdx := r.src.locate(end)
	switch {
	case r.src.mode == gzipped && endIdx == idx:
		rec.Length = 0 // shares its gzip member with the next record
	case r.src.mode == gzipped:
		rec.Length = endOff - off
	default:
		rec.Length = end - start
	}
	if !IsDocument(rec.Type) {
		return rec, nil
	}
	if err := r.decode(rec, block); err != nil {
		return nil, &RecordError{File: r.name, Offset: off, Type: rec.Type, URI: rec.TargetURI, Err: err}
	}
	return rec, nil
}

// readBlock reads n bytes into the reused block buffer, growing it as data
// arrives (not by the declared length, which may be a lie).
func (r *Reader) readBlock(n int64) ([]byte, error) {
	b := r.block[:0]
	for int64(len(b)) < n {
		chunk := int(min(n-int64(len(b)), 1<<20))
		b = slices.Grow(b, chunk)
		m, err := io.ReadFull(r.dr, b[len(b):len(b)+chunk])
		b = b[:len(b)+m]
		if err != nil {
			r.block = b
			return b, err
		}
	}
	r.block = b
	return b, nil
}

// skipSpace skips the blank lines between records.
func (r *Reader) skipSpace() error {
	for {
		buf, err := r.dr.Peek(1)
		if len(buf) == 0 {
			return err
		}
		buf, _ = r.dr.Peek(r.dr.Buffered())
		i := 0
		for i < len(buf) && isSpace(buf[i]) {
			i++
		}
		r.dr.Discard(i)
		if i < len(buf) {
			return nil
		}
		r.src.prune(r.pos())
	}
}

func isSpace(c byte) bool { return c == '\r' || c == '\n' || c == ' ' || c == '\t' }

// endWARC consumes the CR LF CR LF after a WARC record's block (any run of
// line ends is accepted) and checks that the input ends or another record
// starts. It returns the unexpected bytes otherwise. An error of the
// stream after a complete record is kept for the next call.
func (r *Reader) endWARC() []byte {
	for {
		b, err := r.dr.Peek(1)
		if len(b) == 0 {
			if err != io.EOF {
				r.pending = err
			}
			return nil
		}
		if b[0] != '\r' && b[0] != '\n' {
			break
		}
		r.dr.Discard(1)
	}
	b, err := r.dr.Peek(5)
	if bytes.Equal(b, []byte("WARC/")) {
		return nil
	}
	if err != nil && err != io.EOF {
		r.pending = err
		return nil
	}
	return b
}

// endRecord skips the line ends after an ARC record (or a skipped one).
func (r *Reader) endRecord() {
	for {
		b, err := r.dr.Peek(1)
		if len(b) == 0 {
			if err != io.EOF {
				r.pending = err
			}
			return
		}
		if b[0] != '\r' && b[0] != '\n' {
			return
		}
		r.dr.Discard(1)
	}
}

// readLine returns the next line with its line end, up to MaxHeaderSize
// bytes (a longer one is returned cut). The slice is valid until the next
// read.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.dr.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(line) > 0) {
		return line, nil
	}
	if err != bufio.ErrBufferFull {
		return line, err
	}
	r.scratch = append(r.scratch[:0], line...)
	for err == bufio.ErrBufferFull && len(r.scratch) <= r.MaxHeaderSize {
		line, err = r.dr.ReadSlice('\n')
		r.scratch = append(r.scratch, line...)
	}
	if err != nil && err != bufio.ErrBufferFull && (err != io.EOF || len(r.scratch) == 0) {
		return r.scratch, err
	}
	return r.scratch, nil
}

// readHeader reads "Name: value" lines up to a blank line.
func (r *Reader) readHeader(rec *Record) error {
	size := 0
	for {
		line, err := r.readLine()
		if err != nil {
			return r.streamErr(err, rec.Offset, rec.Header.Get("WARC-Type"), "")
		}
		size += len(line)
		if size > r.MaxHeaderSize {
			r.needSync = true
			return r.recErr(rec.Offset, rec.Header.Get("WARC-Type"), "", ErrTooLarge, "header over %d bytes", r.MaxHeaderSize)
		}
		l := trimEOL(line)
		if len(l) == 0 {
			if !bytes.HasSuffix(line, []byte("\n")) {
				// The input ended inside the header.
				r.needSync = true
				return r.recErr(rec.Offset, rec.Header.Get("WARC-Type"), "", ErrTruncated, "input ends inside the header")
			}
			return nil
		}
		if !bytes.HasSuffix(line, []byte("\n")) {
			r.needSync = true
			return r.recErr(rec.Offset, rec.Header.Get("WARC-Type"), "", ErrTruncated, "input ends inside the header")
		}
		if (l[0] == ' ' || l[0] == '\t') && len(rec.Header) > 0 {
			h := &rec.Header[len(rec.Header)-1]
			h.Value += " " + string(bytes.TrimSpace(l))
			continue
		}
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			r.needSync = true
			return r.recErr(rec.Offset, rec.Header.Get("WARC-Type"), "", ErrCorrupt, "header line without a colon: %q", clip(l, 40))
		}
		rec.Header = append(rec.Header, Field{string(bytes.TrimSpace(name)), string(bytes.TrimSpace(value))})
	}
}

// resync skips to the next line that starts a record: "WARC/<digit>", or
// in an ARC file a valid ARC header line. For gzip input damaged
// compressed data is first skipped to the next gzip magic.
func (r *Reader) resync() error {
	for {
		b, err := r.dr.Peek(6)
		if len(b) == 6 && bytes.HasPrefix(b, []byte("WARC/")) && b[5] >= '0' && b[5] <= '9' {
			return nil
		}
		if r.arc != 0 && len(b) > 0 {
			if line := r.peekLine(); line != nil {
				if _, ok := r.parseARC(line); ok {
					return nil
				}
			}
		}
		if len(b) < 6 {
			var ce *corruptError
			if errors.As(err, &ce) {
				if err := r.src.resync(); err != nil {
					return err
				}
				r.dr.Reset(r.src)
				continue
			}
			if err == io.EOF {
				r.dr.Discard(len(b))
				return nil
			}
			if err != nil {
				return fmt.Errorf("read %s: %w", r.name, err)
			}
		}
		buf, _ := r.dr.Peek(r.dr.Buffered())
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			r.dr.Discard(i + 1)
		} else {
			r.dr.Discard(len(buf))
		}
		r.src.prune(r.pos())
	}
}

// peekLine returns the buffered next line if it is complete and short.
func (r *Reader) peekLine() []byte {
	b, _ := r.dr.Peek(min(4096, r.dr.Size()))
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return nil
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

func clip(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(b)
}

// targetURI removes the angle brackets some WARC/1.0 writers (wget) put
// around WARC-Target-URI.
func targetURI(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

// arcHeader is a parsed ARC header line.
type arcHeader struct {
	url, ip, date, mime string
	length              int64
	filedesc            bool
}

// parseARC parses an ARC v1 ("URL IP date type length") or v2 (ten
// fields, length last) header line. A URL with spaces takes the extra
// fields. An invalid length counts as 0, as warcio does.
func (r *Reader) parseARC(line []byte) (arcHeader, bool) {
	l := string(trimEOL(line))
	fields := strings.Fields(l)
	want := 5
	if r.arc == 2 {
		want = 10
	}
	if len(fields) < want || !strings.Contains(fields[0], ":") {
		return arcHeader{}, false
	}
	extra := len(fields) - want
	date := fields[2+extra]
	if len(date) < 12 || strings.Trim(date, "0123456789") != "" {
		return arcHeader{}, false
	}
	h := arcHeader{
		url:  strings.Join(fields[:1+extra], " "),
		ip:   fields[1+extra],
		date: date,
		mime: fields[3+extra],
	}
	n, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if err == nil && n > 0 {
		h.length = n
	}
	h.filedesc = strings.HasPrefix(h.url, "filedesc://")
	if r.arc == 0 {
		if !h.filedesc && !strings.Contains(h.url, "://") && !strings.HasPrefix(h.url, "dns:") {
			return arcHeader{}, false
		}
		r.arc = 1
	}
	return h, true
}

func (a arcHeader) fill(rec *Record, version int) {
	rec.Version = "ARC/" + strconv.Itoa(version)
	rec.Type = "response"
	if a.filedesc {
		rec.Type = "warcinfo"
	}
	rec.TargetURI = a.url
	rec.Date = a.date
	rec.Header = append(rec.Header, Field{"URL", a.url}, Field{"IP-address", a.ip},
		Field{"Archive-date", a.date}, Field{"Content-type", a.mime},
		Field{"Archive-length", strconv.FormatInt(a.length, 10)})
}

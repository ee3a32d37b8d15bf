package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/winnowhq/winnow/doc"
)

// htmlToUTF8 decodes a page to UTF-8 using its byte-order mark or <meta>
// charset (HTML5's sniffing rules), UTF-8 when it is valid, else
// windows-1252; bytes that do not decode become U+FFFD.
func htmlToUTF8(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	enc, _, _ := charset.DetermineEncoding(data, "text/html")
	if out, err := enc.NewDecoder().Bytes(data); err == nil {
		return string(bytes.ToValidUTF8(out, []byte("\uFFFD")))
	}
	return string(bytes.ToValidUTF8(data, []byte("\uFFFD")))
}

// MaxHTMLSize caps one HTML or text input file; a bigger one is rejected.
const MaxHTMLSize = 64 << 20

// readText makes one document of a text file (a story, say), as winnow
// score reads one: its id is the file's path relative to the input
// argument, metadata.source its path, its text the file's (a UTF-8
// byte-order mark dropped).
func (r *runner) readText(ctx context.Context, in Input, src io.Reader, queue chan<- *batch) error {
	q := r.newBatcher(&in, queue)
	data, err := io.ReadAll(io.LimitReader(src, MaxHTMLSize+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", in.Path, err)
	}
	r.cfg.Progress.Bytes.Add(int64(len(data)))
	data = bytes.TrimPrefix(data, utf8BOM)
	switch {
	case len(data) > MaxHTMLSize:
		q.reject(1, fmt.Errorf("text: file larger than %d bytes", MaxHTMLSize), data[:1024])
	case binaryKind(data) != "":
		q.reject(1, fmt.Errorf("%w: %s", ErrBinary, binaryKind(data)), data[:min(len(data), 64)])
	default:
		id := in.Rel
		if id == "" {
			id = in.Name
		}
		d := doc.Doc{ID: id, Text: string(data)}
		d.Meta.Set("source", in.Path)
		if _, err := q.addDoc(&d, 1); err != nil {
			return fmt.Errorf("read %s: %w", in.Path, err)
		}
	}
	if !q.send(ctx) {
		return ctx.Err()
	}
	return nil
}

// readHTML makes one document of an HTML file: its id is the file's path
// relative to the input argument (Input.Rel), metadata.source its path,
// metadata.content_type "text/html", and its text the page decoded to
// UTF-8, for an extraction stage to turn into text.
func (r *runner) readHTML(ctx context.Context, in Input, src io.Reader, queue chan<- *batch) error {
	q := r.newBatcher(&in, queue)
	data, err := io.ReadAll(io.LimitReader(src, MaxHTMLSize+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", in.Path, err)
	}
	r.cfg.Progress.Bytes.Add(int64(len(data)))
	if len(data) > MaxHTMLSize {
		q.reject(1, fmt.Errorf("html: file larger than %d bytes", MaxHTMLSize), data[:1024])
	} else {
		id := in.Rel
		if id == "" {
			id = in.Name
		}
		d := doc.Doc{ID: id, Text: htmlToUTF8(data)}
		d.Meta.Set("source", in.Path)
		d.Meta.Set("content_type", "text/html")
		if _, err := q.addDoc(&d, 1); err != nil {
			return fmt.Errorf("read %s: %w", in.Path, err)
		}
	}
	if !q.send(ctx) {
		return ctx.Err()
	}
	return nil
}

package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/format"
)

// htmlToUTF8 decodes a page to UTF-8 by the rule WARC records follow
// (format.Decoder): its byte-order mark, else a <meta> charset, else UTF-8
// when it is valid, else windows-1252; bytes that do not decode become
// U+FFFD.
func htmlToUTF8(data []byte) string {
	var dec format.Decoder
	_, out := dec.ToUTF8(data, "", "text/html")
	return string(out)
}

// MaxHTMLSize caps one HTML or text input file; a bigger one is rejected.
const MaxHTMLSize = 64 << 20

// File is one file of a FormatPages input.
type File struct {
	Path string // as opened
	Rel  string // relative to the input directory: the document's id
}

// readWhole makes one document of each whole file: of the input itself
// (FormatHTML, FormatText; src is its decompressed content) or of each
// file of a FormatPages input, in order (src is nil). An HTML file's
// document has metadata.content_type "text/html" and its text decoded to
// UTF-8, for an extraction stage to turn into text; a text file's is its
// text as it is, a UTF-8 byte-order mark dropped. The id is the file's
// path relative to the input argument, metadata.source its path.
//
// A file of a group that cannot be read becomes a rejected record naming
// it, and the input is reported as damaged once the rest is read.
func (r *runner) readWhole(ctx context.Context, in Input, src io.Reader, queue chan<- *batch) error {
	q := r.newBatcher(&in, queue)
	files := in.Files
	if len(files) == 0 {
		rel := in.Rel
		if rel == "" {
			rel = in.Name
		}
		files = []File{{Path: in.Path, Rel: rel}}
	}
	var unreadable []string
	for i, f := range files {
		n := int64(i + 1)
		var data []byte
		var err error
		if src != nil {
			data, err = io.ReadAll(io.LimitReader(src, MaxHTMLSize+1))
			if err != nil {
				return fmt.Errorf("read %s: %w", in.Path, err)
			}
		} else if data, err = readFileLimited(f.Path, MaxHTMLSize+1); err != nil {
			r.cfg.Progress.RawBytes.Add(int64(len(data)))
			q.reject(n, fmt.Errorf("read %s: %w", f.Path, err), nil)
			unreadable = append(unreadable, f.Path)
			if !q.sendIfFull(ctx) {
				return ctx.Err()
			}
			continue
		}
		r.cfg.Progress.Bytes.Add(int64(len(data)))
		if src == nil {
			r.cfg.Progress.RawBytes.Add(int64(len(data)))
		}
		html := format.IsHTMLName(f.Path) || in.Format == FormatHTML
		switch {
		case len(data) > MaxHTMLSize:
			q.reject(n, fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, f.Path, MaxHTMLSize), data[:1024])
		case !html && format.Binary(data) != "":
			q.reject(n, fmt.Errorf("%w: %s is %s", ErrBinary, f.Path, format.Binary(data)), data[:min(len(data), 64)])
		default:
			d := doc.Doc{ID: f.Rel}
			if html {
				d.Text = htmlToUTF8(data)
			} else {
				d.Text = string(bytes.TrimPrefix(data, format.BOM))
			}
			d.Meta.Set("source", f.Path)
			if html {
				d.Meta.Set("content_type", "text/html")
			}
			if _, err := q.addDoc(&d, n); err != nil {
				return fmt.Errorf("read %s: %w", f.Path, err)
			}
		}
		if !q.sendIfFull(ctx) {
			return ctx.Err()
		}
	}
	if !q.send(ctx) {
		return ctx.Err()
	}
	if len(unreadable) > 0 {
		return fmt.Errorf("read %s: %d files unreadable (first: %s), rejected", in.Path, len(unreadable), unreadable[0])
	}
	return nil
}

// readFileLimited reads up to limit bytes of a file, decompressed by its
// name's extension.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec, _, err := format.Decompress(f)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	b, err := io.ReadAll(io.LimitReader(dec, limit))
	if err != nil && !errors.Is(err, io.EOF) {
		return b, err
	}
	return b, nil
}

package warc

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// decode fills the HTTP fields, content type, charset and Body of a
// document record from its block.
func (r *Reader) decode(rec *Record, block []byte) error {
	payload := block
	recCT := rec.Header.Get("Content-Type")
	if rec.Version == "ARC/1" || rec.Version == "ARC/2" {
		recCT = rec.Header.Get("Content-type")
	}
	ct := recCT
	isHTTP := rec.Type == "response" && (strings.Contains(strings.ToLower(recCT), "application/http") ||
		bytes.HasPrefix(block, []byte("HTTP/")))
	if isHTTP {
		var err error
		payload, err = r.parseHTTP(rec, block)
		if err != nil {
			return err
		}
		ct = rec.HTTPHeader.Get("Content-Type")
		if strings.Contains(strings.ToLower(rec.HTTPHeader.Get("Transfer-Encoding")), "chunked") {
			if p, ok := dechunk(payload, r.body[:0]); ok {
				r.body = p
				payload = p
			}
		}
		enc := strings.ToLower(strings.TrimSpace(rec.HTTPHeader.Get("Content-Encoding")))
		if enc != "" && enc != "identity" && enc != "none" {
			p, err := r.unencode(enc, payload)
			if err != nil {
				return err
			}
			payload = p
		}
	}
	mt, cs := parseContentType(ct)
	rec.ContentType = mt
	if rec.Type == "conversion" && cs == "" {
		cs = "utf-8" // WET text is UTF-8
	}
	rec.Charset, rec.Body = r.charset.ToUTF8(payload, cs, mt)
	return nil
}

// parseHTTP reads the status line and header at the start of block and
// returns the rest.
func (r *Reader) parseHTTP(rec *Record, block []byte) ([]byte, error) {
	rest := block
	first := true
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 || len(block)-len(rest) > r.MaxHeaderSize {
			if len(block)-len(rest) > r.MaxHeaderSize {
				return nil, fmt.Errorf("%w: HTTP header over %d bytes", ErrTooLarge, r.MaxHeaderSize)
			}
			// A header without an end: no payload.
			if first {
				return nil, fmt.Errorf("%w: no HTTP status line", ErrCorrupt)
			}
			return rest[len(rest):], nil
		}
		line := trimEOL(rest[:i+1])
		rest = rest[i+1:]
		if first {
			first = false
			f := strings.Fields(string(line))
			if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
				return nil, fmt.Errorf("%w: bad HTTP status line %q", ErrCorrupt, clip(line, 40))
			}
			code, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("%w: bad HTTP status line %q", ErrCorrupt, clip(line, 40))
			}
			rec.HTTPStatus = code
			continue
		}
		if len(line) == 0 {
			return rest, nil
		}
		if (line[0] == ' ' || line[0] == '\t') && len(rec.HTTPHeader) > 0 {
			h := &rec.HTTPHeader[len(rec.HTTPHeader)-1]
			h.Value += " " + string(bytes.TrimSpace(line))
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue // browsers ignore such lines too
		}
		rec.HTTPHeader = append(rec.HTTPHeader, Field{string(bytes.TrimSpace(name)), string(bytes.TrimSpace(value))})
	}
}

// dechunk decodes an HTTP/1.1 chunked body into dst. ok is false when p is
// not validly chunked; the caller then keeps it as it is (as warcio does).
// A body cut inside a chunk keeps what was there.
func dechunk(p, dst []byte) ([]byte, bool) {
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			return dst, len(dst) > 0
		}
		line := trimEOL(p[:i+1])
		if j := bytes.IndexByte(line, ';'); j >= 0 {
			line = line[:j]
		}
		n, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 63)
		if err != nil {
			return dst, false
		}
		p = p[i+1:]
		if n == 0 {
			return dst, true
		}
		if uint64(len(p)) < n {
			return append(dst, p...), true
		}
		dst = append(dst, p[:n]...)
		p = p[n:]
		p = bytes.TrimPrefix(p, []byte("\r"))
		p = bytes.TrimPrefix(p, []byte("\n"))
	}
}

// unencode removes a Content-Encoding. Crawlers often store the body
// already decoded but keep the header (ClueWeb09, Common Crawl): gzip and
// zstd are only decoded when the magic bytes are there, deflate only when
// it decodes, and a body in an unsupported encoding (br) is kept when it
// looks like text.
func (r *Reader) unencode(enc string, p []byte) ([]byte, error) {
	var zr io.Reader
	switch enc {
	case "gzip", "x-gzip":
		if !bytes.HasPrefix(p, []byte{0x1f, 0x8b}) {
			return p, nil
		}
		gz, err := gzip.NewReader(bytes.NewReader(p))
		if err != nil {
			return nil, fmt.Errorf("%w: content-encoding gzip: %v", ErrBadEncoding, err)
		}
		zr = gz
	case "zstd":
		if !bytes.HasPrefix(p, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			return p, nil
		}
		zd, err := zstd.NewReader(bytes.NewReader(p), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, fmt.Errorf("%w: content-encoding zstd: %v", ErrBadEncoding, err)
		}
		defer zd.Close()
		zr = zd
	case "deflate":
		if zl, err := zlib.NewReader(bytes.NewReader(p)); err == nil {
			if out, err := r.inflate(zl); err == nil {
				return out, nil
			}
		}
		if out, err := r.inflate(flate.NewReader(bytes.NewReader(p))); err == nil {
			return out, nil
		}
		if looksBinary(p) {
			return nil, fmt.Errorf("%w: content-encoding deflate does not decode", ErrBadEncoding)
		}
		return p, nil
	default:
		if looksBinary(p) {
			return nil, fmt.Errorf("%w: unsupported content-encoding %q", ErrBadEncoding, enc)
		}
		return p, nil
	}
	out, err := r.inflate(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: content-encoding %s: %v", ErrBadEncoding, enc, err)
	}
	return out, nil
}

// inflate reads zr to its end into a fresh buffer, up to MaxBodySize.
func (r *Reader) inflate(zr io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(zr, r.MaxBodySize+1))
	if err != nil {
		return nil, err
	}
	if n > r.MaxBodySize {
		return nil, fmt.Errorf("%w: decoded payload over %d bytes", ErrTooLarge, r.MaxBodySize)
	}
	return buf.Bytes(), nil
}

// looksBinary reports whether the first bytes of p hold control bytes
// that text does not.
func looksBinary(p []byte) bool {
	p = p[:min(len(p), 512)]
	for _, c := range p {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			return true
		}
	}
	return false
}

// parseContentType splits "text/html; charset=UTF-8" into the lower-case
// media type and charset.
func parseContentType(s string) (mediaType, charset string) {
	mt, params, _ := strings.Cut(s, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mt))
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			charset = strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
		}
	}
	return mediaType, charset
}

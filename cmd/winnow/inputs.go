package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/store"
)

// jsonlExts are the names picked up when walking a directory. Files named
// on the command line are read whatever their name.
func isJSONLName(name string) bool {
	k, _ := format.KindOf(name)
	return k == pipeline.FormatJSONL
}

// kindNames lists the file names winnow reads, from format.Kinds.
func kindNames() string {
	var names []string
	for _, k := range format.Kinds() {
		for _, ext := range k.Exts {
			if k.Compressed {
				ext += "[.gz|.zst]"
			}
			names = append(names, "*"+ext)
		}
	}
	return strings.Join(names, ", ")
}

// inputFormat says how a file is read: by its name (format.KindOf), and
// as JSONL when the name says nothing (a FIFO or a file named on the
// command line).
func inputFormat(name string) string {
	if k, ok := format.KindOf(name); ok {
		return k
	}
	return pipeline.FormatJSONL
}

// expandInputs turns command-line arguments into inputs with unique
// output names: a file gives one input named after it (whatever it is: a
// FIFO named on the command line is read); a directory gives every JSONL,
// WARC, HTML, Parquet and .txt file under it (recursively), named by its
// path relative to the directory; "-" is standard input.
//
// Walking a directory, only regular files are inputs. Hidden entries,
// other names, FIFOs, sockets, devices and links to directories are
// skipped, each with its reason; a link that leads nowhere and an entry
// that cannot be read are inputs, so that the run reports them as
// unreadable (exit 3) and goes on with the rest. The output directory out,
// when it lies under an input directory, is skipped too: its files are the
// run's outputs, not its inputs.
func expandInputs(args []string, out string) ([]pipeline.Input, []pipeline.Skipped, error) {
	outAbs, _ := filepath.Abs(out)
	var ins []pipeline.Input
	var skipped []pipeline.Skipped
	seen := map[string]string{}
	add := func(in pipeline.Input) error {
		if prev, ok := seen[in.Name]; ok {
			return usagef("inputs %s and %s would both be written as %q; pass them in separate runs or rename one", prev, in.Path, in.Name)
		}
		seen[in.Name] = in.Path
		ins = append(ins, in)
		return nil
	}
	skip := func(path, why string) { skipped = append(skipped, pipeline.Skipped{Path: path, Reason: why}) }
	for _, arg := range args {
		if arg == "-" {
			if err := add(pipeline.Input{Path: "-", Name: "stdin", Size: -1}); err != nil {
				return nil, nil, err
			}
			continue
		}
		if store.IsURL(arg) {
			found, err := s3Inputs(context.Background(), arg, skip)
			if err != nil {
				return nil, nil, err
			}
			for _, in := range found {
				if err := add(in); err != nil {
					return nil, nil, err
				}
			}
			continue
		}
		st, err := os.Stat(arg)
		if err != nil {
			return nil, nil, usageError{fmt.Errorf("input: %w", err)}
		}
		if !st.IsDir() {
			size := st.Size()
			if !st.Mode().IsRegular() {
				size = -1
			}
			if err := add(pipeline.Input{Path: arg, Name: format.StripExt(filepath.Base(arg)), Rel: filepath.Base(arg), Size: size, ModTime: st.ModTime(), Format: inputFormat(arg)}); err != nil {
				return nil, nil, err
			}
			continue
		}
		var found []pipeline.Input
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == arg {
					return fmt.Errorf("input %s: %w", path, err)
				}
				// An unreadable subdirectory: reported, the walk goes on.
				skip(path, "unreadable: "+err.Error())
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if path != arg && strings.HasPrefix(d.Name(), ".") {
				skip(path, "hidden")
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if abs, _ := filepath.Abs(path); out != "" && abs == outAbs {
					skip(path, "the output directory")
					return filepath.SkipDir
				}
				return nil
			}
			if !isInputName(d.Name()) {
				skip(path, "not an input format by its name")
				return nil
			}
			rel, _ := filepath.Rel(arg, path)
			in := pipeline.Input{Path: path, Name: format.StripExt(filepath.ToSlash(rel)), Rel: filepath.ToSlash(rel), Format: inputFormat(path)}
			info, err := os.Stat(path) // follows links
			switch {
			case err != nil:
				// A dangling link or no permission: an input the run will
				// report as unreadable.
				in.Size = -1
			case info.IsDir():
				skip(path, "link to a directory")
				return nil
			case !info.Mode().IsRegular():
				skip(path, "not a regular file: "+fileKind(info.Mode()))
				return nil
			default:
				in.Size, in.ModTime = info.Size(), info.ModTime()
			}
			found = append(found, in)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		if len(found) == 0 {
			return nil, nil, usagef("input %s: no JSONL, WARC, HTML, Parquet or text files in it (looked for %s)", arg, kindNames())
		}
		sort.Slice(found, func(i, j int) bool { return found[i].Path < found[j].Path })
		for _, in := range groupPages(arg, found) {
			if err := add(in); err != nil {
				return nil, nil, err
			}
		}
	}
	return ins, skipped, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// Page groups: a directory's HTML and text files, one document each, are
// read as groups of up to pageGroupFiles files or pageGroupBytes bytes,
// each written as one output named <dir>/pages-NNNNN.
const (
	pageGroupFiles = 1000
	pageGroupBytes = 64 << 20
)

// groupPages replaces the HTML and text files of found (sorted by path)
// with groups per directory; other inputs stay as they are, in order.
func groupPages(root string, found []pipeline.Input) []pipeline.Input {
	var out []pipeline.Input
	var cur *pipeline.Input
	count := map[string]int{}
	for _, in := range found {
		if in.Format != pipeline.FormatHTML && in.Format != pipeline.FormatText || in.Size < 0 {
			out = append(out, in)
			continue
		}
		dir := filepath.Dir(in.Path)
		if cur == nil || filepath.Dir(cur.Files[0].Path) != dir || len(cur.Files) >= pageGroupFiles || cur.Size+in.Size > pageGroupBytes {
			relDir, _ := filepath.Rel(root, dir)
			name := fmt.Sprintf("pages-%05d", count[dir])
			if relDir != "." {
				name = filepath.ToSlash(relDir) + "/" + name
			}
			count[dir]++
			out = append(out, pipeline.Input{Path: filepath.Join(dir, name[strings.LastIndex(name, "/")+1:]), Name: name, Rel: name, Format: pipeline.FormatPages})
			cur = &out[len(out)-1]
		}
		cur.Files = append(cur.Files, pipeline.File{Path: in.Path, Rel: in.Rel})
		cur.Size += in.Size
		if in.ModTime.After(cur.ModTime) {
			cur.ModTime = in.ModTime
		}
	}
	return out
}

func isInputName(name string) bool {
	_, ok := format.KindOf(name)
	return ok
}

// reportSkipped says on stderr what walking the inputs skipped, by reason
// (stats.json lists every path).
func reportSkipped(w io.Writer, skipped []pipeline.Skipped) {
	if len(skipped) == 0 {
		return
	}
	by := map[string][]string{}
	var reasons []string
	for _, s := range skipped {
		r := s.Reason
		if strings.HasPrefix(r, "unreadable") {
			r = "unreadable"
		}
		if by[r] == nil {
			reasons = append(reasons, r)
		}
		by[r] = append(by[r], s.Path)
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "winnow: skipped %d inputs (%s): %s\n", len(by[r]), r, firstOf(by[r], 3))
	}
	fmt.Fprintf(w, "winnow: every skipped path is listed in stats.json (skipped_inputs)\n")
}

// firstOf lists the first n of paths, comma-separated, and says how many
// more there are: "a, b, c and 7 more".
func firstOf(paths []string, n int) string {
	if len(paths) <= n {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:n], ", "), len(paths)-n)
}

// warnMarkup says on stderr when HTML pages or WARC files (but WET, whose
// records are text) go into a chain without extract_v1: its stages would
// read markup, not text. A warning, not an error: a chain may mean to.
func warnMarkup(w io.Writer, inputs []pipeline.Input, stages []string) {
	if slices.Contains(stages, extract.Name) {
		return
	}
	var markup []string
	for _, in := range inputs {
		switch in.Format {
		case pipeline.FormatHTML:
			markup = append(markup, in.Path)
		case pipeline.FormatWARC:
			if !strings.Contains(strings.ToLower(filepath.Base(in.Path)), ".wet") {
				markup = append(markup, in.Path)
			}
		case pipeline.FormatPages:
			for _, f := range in.Files {
				if format.IsHTMLName(f.Path) {
					markup = append(markup, f.Path)
				}
			}
		}
	}
	if len(markup) > 0 {
		fmt.Fprintf(w, "winnow: %s hold HTML, and no stage extracts it (extract_v1): the stages will read markup; --preset fineweb-full or contentfarm extract it first\n", firstOf(markup, 3))
	}
}

// winnow's own stand-in for github.com/markusmobius/go-htmldate, wired in by
// the replace directive in ../../go.mod. See doc.go.
module github.com/markusmobius/go-htmldate

go 1.26.8

require golang.org/x/net v0.62.0

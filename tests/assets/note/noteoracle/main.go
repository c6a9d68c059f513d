// Command noteoracle answers signed-note questions with golang.org/x/mod/sumdb/note, one JSON
// request per input line, so tests can compare gomodcheck.note with the Go implementation.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

type request struct {
	Op   string   `json:"op"` // "open", "sign", "vkey", "skey"
	Msg  []byte   `json:"msg"`
	Keys []string `json:"keys"`
}

type reply struct {
	OK         bool     `json:"ok"`
	Err        string   `json:"err"`
	Text       string   `json:"text"`
	Sigs       []string `json:"sigs"`
	Unverified []string `json:"unverified"`
	Signed     []byte   `json:"signed"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		out.Encode(answer(req))
	}
}

func answer(req request) reply {
	switch req.Op {
	case "vkey":
		_, err := note.NewVerifier(req.Keys[0])
		return result(err)
	case "skey":
		_, err := note.NewSigner(req.Keys[0])
		return result(err)
	case "sign":
		s, err := note.NewSigner(req.Keys[0])
		if err != nil {
			return result(err)
		}
		signed, err := note.Sign(&note.Note{Text: string(req.Msg)}, s)
		r := result(err)
		r.Signed = signed
		return r
	}
	var vs []note.Verifier
	for _, k := range req.Keys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return result(err)
		}
		vs = append(vs, v)
	}
	n, err := note.Open(req.Msg, note.VerifierList(vs...))
	r := result(err)
	if n != nil {
		r.Text = n.Text
		for _, s := range n.Sigs {
			r.Sigs = append(r.Sigs, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
		}
		for _, s := range n.UnverifiedSigs {
			r.Unverified = append(r.Unverified, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
		}
	}
	return r
}

func result(err error) reply {
	if err != nil {
		return reply{Err: err.Error()}
	}
	return reply{OK: true}
}

// Command sumdb_ref is the reference server for benchmarks/sumdb_server_load.py: x/mod's
// sumdb.Server over an in-memory log of N deterministic records, the same records the Python
// benchmark loads into gomodcheck's server, signed with the same key.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type hashes []tlog.Hash

func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = h[x]
	}
	return out, nil
}

type ops struct {
	signed  []byte
	records [][]byte
	ids     map[string]int64
	hashes  hashes
}

func (o *ops) Signed(ctx context.Context) ([]byte, error) { return o.signed, nil }

func (o *ops) ReadRecords(ctx context.Context, id, n int64) ([][]byte, error) {
	if id < 0 || id+n > int64(len(o.records)) {
		return nil, os.ErrNotExist
	}
	return o.records[id : id+n], nil
}

func (o *ops) Lookup(ctx context.Context, m module.Version) (int64, error) {
	id, ok := o.ids[m.Path+"@"+m.Version]
	if !ok {
		return 0, os.ErrNotExist
	}
	return id, nil
}

func (o *ops) ReadTileData(ctx context.Context, t tlog.Tile) ([]byte, error) {
	// Only tiles inside the tree exist (the hashes of a larger tree are not stored).
	if (t.N<<uint(t.H)+int64(t.W))<<uint(t.H*t.L) > int64(len(o.records)) {
		return nil, os.ErrNotExist
	}
	return tlog.ReadTileData(t, o.hashes)
}

func h1(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// Record returns record i; benchmarks/sumdb_server_load.py writes the same text.
func record(i int) (string, []byte) {
	path := fmt.Sprintf("example.com/m%07d", i)
	text := fmt.Sprintf("%s v1.0.0 %s\n%s v1.0.0/go.mod %s\n", path, h1(fmt.Sprintf("zip%d", i)), path, h1(fmt.Sprintf("mod%d", i)))
	return path, []byte(text)
}

func main() {
	n := flag.Int("n", 1000000, "records")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	skeyFile := flag.String("key", "", "signer key file")
	flag.Parse()
	skey, err := os.ReadFile(*skeyFile)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		log.Fatal(err)
	}
	o := &ops{ids: make(map[string]int64, *n)}
	for i := 0; i < *n; i++ {
		path, text := record(i)
		hs, err := tlog.StoredHashes(int64(i), text, o.hashes)
		if err != nil {
			log.Fatal(err)
		}
		o.hashes = append(o.hashes, hs...)
		o.records = append(o.records, text)
		o.ids[path+"@v1.0.0"] = int64(i)
	}
	th, err := tlog.TreeHash(int64(*n), o.hashes)
	if err != nil {
		log.Fatal(err)
	}
	o.signed, err = note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: int64(*n), Hash: th}))}, signer)
	if err != nil {
		log.Fatal(err)
	}
	srv := sumdb.NewServer(o)
	mux := http.NewServeMux()
	for _, p := range sumdb.ServerPaths {
		mux.Handle(p, srv)
	}
	fmt.Printf("ready %s %s\n", *addr, base64.StdEncoding.EncodeToString(th[:]))
	log.Fatal(http.ListenAndServe(*addr, mux))
}

// Command sumdbserver is a checksum database for gomodcheck's tests, built on
// golang.org/x/mod/sumdb.NewServer with a fixed log the test controls.
//
// The log holds, in order, -gen synthetic records and then one record per
// module version listed in -records (go.sum lines). It listens on 127.0.0.1,
// prints one JSON line {"url","vkey","size"} on stdout, and serves both at /
// and under /sumdb/<name>/ (with /supported) so it can stand in for a proxy.
// GET /_requests returns how many requests it has served.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const genPrefix = "example.com/gen/m"

type hashes []tlog.Hash

func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(h)) {
			return nil, fmt.Errorf("hash index %d out of range", x)
		}
		out[i] = h[x]
	}
	return out, nil
}

type ops struct {
	signer  note.Signer
	gen     int64
	records [][]byte // after the generated ones
	ids     map[string]int64
	hashes  hashes
	size    int64
	signed  []byte
}

func h1(kind string, i int64) string {
	sum := sha256.Sum256([]byte(kind + strconv.FormatInt(i, 10)))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// GenPath is the module path of generated record i.
func genPath(i int64) string { return fmt.Sprintf("%s%07d", genPrefix, i) }

func genRecord(i int64) []byte {
	p := genPath(i)
	return []byte(fmt.Sprintf("%s v1.0.0 %s\n%s v1.0.0/go.mod %s\n", p, h1("zip", i), p, h1("mod", i)))
}

func (o *ops) record(id int64) []byte {
	if id < o.gen {
		return genRecord(id)
	}
	return o.records[id-o.gen]
}

func (o *ops) add(data []byte) {
	id := o.size
	hs, err := tlog.StoredHashesForRecordHash(id, tlog.RecordHash(data), o.hashes)
	if err != nil {
		log.Fatal(err)
	}
	o.hashes = append(o.hashes, hs...)
	o.size++
}

func (o *ops) Signed(ctx context.Context) ([]byte, error) { return o.signed, nil }

func (o *ops) ReadRecords(ctx context.Context, id, n int64) ([][]byte, error) {
	var list [][]byte
	for i := id; i < id+n; i++ {
		if i >= o.size {
			return nil, fmt.Errorf("missing records")
		}
		list = append(list, o.record(i))
	}
	return list, nil
}

func (o *ops) Lookup(ctx context.Context, m module.Version) (int64, error) {
	if strings.HasPrefix(m.Path, genPrefix) && m.Version == "v1.0.0" {
		if i, err := strconv.ParseInt(strings.TrimPrefix(m.Path, genPrefix), 10, 64); err == nil && i < o.gen && genPath(i) == m.Path {
			return i, nil
		}
	}
	if id, ok := o.ids[m.String()]; ok {
		return id, nil
	}
	return 0, os.ErrNotExist
}

func (o *ops) ReadTileData(ctx context.Context, t tlog.Tile) ([]byte, error) {
	return tlog.ReadTileData(t, o.hashes)
}

func main() {
	var (
		addr   = flag.String("addr", "127.0.0.1:0", "listen address")
		name   = flag.String("name", "sumdb.test", "database name")
		seed   = flag.String("seed", "gomodcheck-test", "key seed (deterministic keys)")
		gen    = flag.Int64("gen", 0, "synthetic records to put first")
		recs   = flag.String("records", "", "go.sum lines to record, one record per module version")
		gosum  = flag.String("write-gosum", "", "write a go.sum of -gosum-count generated modules here")
		gosumN = flag.Int64("gosum-count", 0, "generated modules in -write-gosum")
	)
	flag.Parse()

	skey, vkey := deterministicKey(*name, *seed)
	signer, err := note.NewSigner(skey)
	if err != nil {
		log.Fatal(err)
	}
	o := &ops{signer: signer, gen: *gen, ids: map[string]int64{}}
	for i := int64(0); i < *gen; i++ {
		o.add(genRecord(i))
	}
	if *recs != "" {
		for _, r := range readRecords(*recs) {
			o.ids[r.key] = o.size
			o.records = append(o.records, r.text)
			o.add(r.text)
		}
	}
	th, err := tlog.TreeHash(o.size, o.hashes)
	if err != nil {
		log.Fatal(err)
	}
	o.signed, err = note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: o.size, Hash: th}))}, signer)
	if err != nil {
		log.Fatal(err)
	}
	if *gosum != "" {
		writeGosum(*gosum, *gen, *gosumN)
	}

	srv := sumdb.NewServer(o)
	var served atomic.Int64
	mux := http.NewServeMux()
	prefix := "/sumdb/" + *name
	mux.HandleFunc(prefix+"/supported", func(w http.ResponseWriter, r *http.Request) {})
	mux.Handle(prefix+"/", http.StripPrefix(prefix, srv))
	mux.Handle("/", srv)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		if r.URL.Path == "/_requests" { // for benchmarks: requests served before this one
			fmt.Fprintln(w, n-1)
			return
		}
		mux.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	info, _ := json.Marshal(map[string]any{"url": "http://" + ln.Addr().String(), "vkey": vkey, "size": o.size})
	fmt.Println(string(info))
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, handler))
}

type rec struct {
	key  string
	text []byte
}

// readRecords groups go.sum lines by module version, keeping first-seen order.
func readRecords(file string) []rec {
	f, err := os.Open(file)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var order []string
	texts := map[string]*strings.Builder{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			continue
		}
		key := fs[0] + "@" + strings.TrimSuffix(fs[1], "/go.mod")
		b, ok := texts[key]
		if !ok {
			b = new(strings.Builder)
			texts[key] = b
			order = append(order, key)
		}
		fmt.Fprintf(b, "%s %s %s\n", fs[0], fs[1], fs[2])
	}
	var out []rec
	for _, k := range order {
		out = append(out, rec{k, []byte(texts[k].String())})
	}
	return out
}

// writeGosum writes a go.sum for count generated modules spread over the log.
func writeGosum(file string, gen, count int64) {
	f, err := os.Create(file)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	step := gen / count
	for k := int64(0); k < count; k++ {
		i := k*step + (k*7919)%step
		w.Write(genRecord(i))
	}
	w.Flush()
	f.Close()
}

// deterministicKey derives an Ed25519 signer key from a seed so runs are reproducible.
func deterministicKey(name, seed string) (string, string) {
	sum := sha256.Sum256([]byte(seed))
	skey, vkey, err := note.GenerateKey(&fixedReader{sum[:]}, name)
	if err != nil {
		log.Fatal(err)
	}
	return skey, vkey
}

type fixedReader struct{ b []byte }

func (r *fixedReader) Read(p []byte) (int, error) {
	n := copy(p, r.b)
	r.b = r.b[n:]
	if n == 0 {
		return 0, fmt.Errorf("seed exhausted")
	}
	return n, nil
}

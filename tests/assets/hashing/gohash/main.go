// Command gohash prints, for each zip named on the command line, x/mod's dirhash.HashZip result
// as "h1:..." or "error: ..." on one line: the reference for gomodcheck's zip hashing edge cases.
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/dirhash"
)

func main() {
	for _, f := range os.Args[1:] {
		h, err := dirhash.HashZip(f, dirhash.Hash1)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(h)
	}
}

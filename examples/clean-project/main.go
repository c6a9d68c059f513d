// Command clean prints a few UUIDs made concurrently; its go.mod and go.sum are tidy.
package main

import (
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"
)

func main() {
	var g errgroup.Group
	ids := make([]string, 3)
	for i := range ids {
		g.Go(func() error {
			ids[i] = uuid.NewString()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		panic(err)
	}
	fmt.Println(ids)
}

// Command broken is clean-project with three mistakes in go.mod and go.sum (see README.md).
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

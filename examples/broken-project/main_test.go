package main

import (
	"testing"

	"github.com/pkg/errors"
)

func TestWrap(t *testing.T) {
	if err := errors.Wrap(errors.New("x"), "y"); err.Error() != "y: x" {
		t.Fatal(err)
	}
}

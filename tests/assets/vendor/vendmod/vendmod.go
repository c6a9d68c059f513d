package vendmod

import (
	_ "example.com/local"
	_ "golang.org/x/mod/module"
)

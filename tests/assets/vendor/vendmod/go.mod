module example.com/vendmod

go 1.26.0

require (
	example.com/local v0.0.0
	golang.org/x/mod v0.43.0
)

replace example.com/local => ./local

replace example.com/unused => ./unused

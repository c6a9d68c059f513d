package local

const Name = "local"

module goship.example/tools/node/relay

go 1.26

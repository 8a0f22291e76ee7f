module goship.example/tools/node/pause

go 1.26

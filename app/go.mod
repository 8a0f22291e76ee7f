module goship.example/hello

go 1.26

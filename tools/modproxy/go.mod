module goship.example/tools/modproxy

go 1.26

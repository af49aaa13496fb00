from okrbsc.cli import main

main()

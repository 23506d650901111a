from cssite.cli import main

main()

from briefgen._entry import main

main()

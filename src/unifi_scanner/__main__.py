from unifi_scanner.cli import main

raise SystemExit(main())

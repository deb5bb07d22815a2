# switchd

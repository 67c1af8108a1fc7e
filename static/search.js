// Live search: placeholder until the script lands.

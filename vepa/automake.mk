# vepa

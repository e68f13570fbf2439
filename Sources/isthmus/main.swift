import IsthmusCLI
print(IsthmusCLIModule.name)
